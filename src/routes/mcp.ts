import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import { formatBytes } from "../base/bytes";
import { MAX_RUN_BODY_BYTES, MAX_SUBMIT_BODY_BYTES } from "../config/limits";
import { limitBody } from "../request/body-limit";
import { callTool, inputSchemaOf, TOOLS } from "./mcp-tools";

const MAX_MCP_BODY_BYTES = MAX_SUBMIT_BODY_BYTES + MAX_RUN_BODY_BYTES;

/**
 * POST /mcp: the Model Context Protocol over Streamable HTTP, stateless. Each request gets its own
 * server and transport (no session to keep, so any isolate can answer any request) and JSON answers
 * rather than an event stream: every tool answers once. GET and DELETE (a stream, a session's end)
 * answer 405, as the protocol asks of a server without them. The tools run as the request's caller:
 * its token or visitor, its rate limits, its history.
 */
export const mcpRoutes = new Hono<AppEnv>().post(
  "/mcp",
  limitBody(
    MAX_MCP_BODY_BYTES,
    "body_too_large",
    `The request body is larger than ${formatBytes(MAX_MCP_BODY_BYTES)}.`,
  ),
  async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const server = mcpServer(c);
    await server.connect(transport);
    const response = await transport.handleRequest(c.req.raw);
    // Through the context, so headers set earlier in the chain (a new visitor's cookie) are kept.
    return c.newResponse(response.body, response);
  },
);

function mcpServer(c: Context<AppEnv>): Server {
  const server = new Server(
    { name: "promptlog", version: "1.0.0" },
    {
      capabilities: { tools: {} },
      instructions:
        "Promptlog runs JavaScript and TypeScript in an isolated V8 sandbox with no network. Use execute to run code once; submit, then run or call, to reuse a program by its hash.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description(c.env),
      inputSchema: inputSchemaOf(tool.input),
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const result = await callTool(c, request.params.name, request.params.arguments);
    if (!result) throw new McpError(ErrorCode.InvalidParams, `No tool named ${request.params.name}.`);
    return result;
  });
  return server;
}
