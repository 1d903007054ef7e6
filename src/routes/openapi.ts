import { Schema } from "effect";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { CallAnswer, ExecuteAnswer } from "../base/answers";
import { BUILD_FAILURES, type ErrorCode } from "../base/errors";
import { Hash, RunId } from "../base/schemas";
import { AdminTokenCreateRequest, AdminTokenQuery, TokenCreateRequest, TokenId } from "../request/auth-token-schemas";
import {
  AdminTokenListAnswerSchema,
  HistoryAnswerSchema,
  JsonRpcBody,
  ProgramAnswerSchema,
  RunRecordSchema,
  SubmitAnswerSchema,
  TokenCreatedAnswerSchema,
  TokenListAnswerSchema,
} from "../respond/openapi/answers";
import { openApiDocument, type RouteDoc } from "../respond/openapi/document";
import { CallArgs, CallName, ExecuteRequest } from "../validate/agent";
import { RunQuery, SubmitRequest } from "../validate/schemas";

/**
 * GET /openapi.json: the whole HTTP API as OpenAPI 3.1. The table below is the one place that says
 * which routes exist, what they take (the Effect schemas the routes decode with) and what they
 * answer; test/worker/openapi.test.ts checks every route's real answers, errors included, against
 * the document made from it.
 */

/** Every request may carry a bad token (401), name a host we do not serve (421), or meet our fault (500). */
const EVERY: ErrorCode[] = [
  "token_malformed",
  "token_unknown",
  "token_revoked",
  "misdirected_request",
  "internal_error",
];
/** API routes, under REQUIRE_TOKEN, without a token or the page's cookie. */
const API: ErrorCode[] = [...EVERY, "token_required"];
/** A POST or DELETE a browser sent from another site, unless a bearer token authenticated it. */
const WRITE: ErrorCode[] = [...API, "cross_site_request"];
/** What building a submitted program can answer. */
const BUILD: ErrorCode[] = [
  "invalid_json",
  "invalid_request",
  "unsupported_media_type",
  "code_too_large",
  ...BUILD_FAILURES,
  "bundler_unavailable",
  "rate_limited",
];
/** What running a stored program can answer, besides the program's own answer. */
const RUN: ErrorCode[] = [
  "program_not_found",
  "rate_limited",
  "load_error",
  "program_exception",
  "no_response",
  "limit_exceeded",
  "loader_unavailable",
  "run_timeout",
];

const VISITOR = ["visitorCookie"];
const BEARER = ["bearerToken"];
/** A route anyone may call, as a visitor (cookie), with a token, or (without REQUIRE_TOKEN) neither. */
const OPEN = [[], VISITOR, BEARER];

const programAnswer = {
  description: "The program's own answer: its status, body and allowlisted headers",
  content: "*/*",
  headers: { "x-run-id": "The run's id: GET /api/runs/{id} gives its record" },
};

const HashParam = { hash: Hash.annotate({ description: "The program's hash (64 lowercase hex)" }) };

export const ROUTES: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/",
    summary: "The playground page",
    tags: ["page"],
    security: OPEN,
    responses: { "200": { description: "The playground", content: "text/html" } },
    errors: EVERY,
  },
  {
    method: "get",
    path: "/s/{hash}",
    summary: "A share link: the playground with a stored program in the editor",
    tags: ["page"],
    security: OPEN,
    pathParams: { hash: Schema.String },
    responses: {
      "200": { description: "The playground with the program", content: "text/html" },
      "404": { description: "The playground with a notice: no such program", content: "text/html" },
    },
    errors: EVERY,
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tags: ["meta"],
    security: OPEN,
    responses: { "200": { description: "OpenAPI 3.1", content: "application/json" } },
    errors: EVERY,
  },
  {
    method: "post",
    path: "/submit",
    summary: "Build, store and load a program; answers its hash",
    tags: ["programs"],
    security: OPEN,
    body: { json: SubmitRequest, required: true },
    responses: {
      "200": { description: "Already stored", json: SubmitAnswerSchema },
      "201": { description: "Stored now", json: SubmitAnswerSchema, headers: { Location: "/run/{hash}" } },
    },
    errors: [...WRITE, ...BUILD],
  },
  {
    method: "get",
    path: "/run/{hash}",
    summary: "Run a stored program with a prompt",
    description: "Other query parameters reach the program too. A program may answer any status.",
    tags: ["programs"],
    security: OPEN,
    pathParams: HashParam,
    query: RunQuery,
    responses: { "200": programAnswer, default: programAnswer },
    errors: [...API, "invalid_hash", "invalid_request", "prompt_too_large", ...RUN, "internal_error"],
  },
  {
    method: "post",
    path: "/run/{hash}",
    summary: "Run a stored program, forwarding the request body (at most 1 MiB) and its content type",
    tags: ["programs"],
    security: OPEN,
    pathParams: HashParam,
    query: RunQuery,
    body: { content: "*/*", required: false },
    responses: { "200": programAnswer, default: programAnswer },
    errors: [...WRITE, "invalid_hash", "invalid_request", "prompt_too_large", "body_too_large", ...RUN],
  },
  {
    method: "post",
    path: "/api/execute",
    summary: "Submit and run in one call, answered as JSON",
    description: "A run that ended in our error answers that error's status, with this JSON and `error`.",
    tags: ["agents"],
    security: OPEN,
    body: { json: ExecuteRequest, required: true },
    responses: { "200": { description: "The run", json: ExecuteAnswer, headers: { "x-run-id": "The run's id" } } },
    runAnswers: {
      json: ExecuteAnswer,
      codes: RUN.filter((code) => code !== "program_not_found" && code !== "rate_limited"),
    },
    errors: [...WRITE, ...BUILD, "prompt_too_large", "body_too_large", ...RUN.filter((c) => c !== "program_not_found")],
  },
  {
    method: "post",
    path: "/call/{hash}/{name}",
    summary: "Call one export of a stored module with a JSON array of arguments",
    tags: ["agents"],
    security: OPEN,
    pathParams: { ...HashParam, name: CallName },
    body: { json: CallArgs, required: false },
    responses: {
      "200": { description: "The export's result", json: CallAnswer, headers: { "x-run-id": "The run's id" } },
    },
    runAnswers: {
      json: CallAnswer,
      codes: [
        "load_error",
        "program_exception",
        "no_response",
        "limit_exceeded",
        "loader_unavailable",
        "run_timeout",
        "result_not_json",
        "export_not_found",
      ],
    },
    errors: [
      ...WRITE,
      "invalid_hash",
      "invalid_json",
      "invalid_args",
      "unsupported_media_type",
      "body_too_large",
      "export_not_found",
      "result_not_json",
      ...RUN,
    ],
  },
  {
    method: "post",
    path: "/mcp",
    summary: "The MCP server: Streamable HTTP, stateless, JSON answers",
    description: "Tools execute, submit, run, call, get_program and recent_runs. GET and DELETE answer 405.",
    tags: ["agents"],
    security: OPEN,
    body: { json: JsonRpcBody, required: true },
    responses: {
      "200": { description: "The JSON-RPC answer", json: JsonRpcBody },
      "202": { description: "A notification or response was accepted" },
    },
    errors: [...WRITE, "body_too_large"],
  },
  {
    method: "get",
    path: "/api/history",
    summary: "Your recent runs, newest first (at most 50)",
    tags: ["history"],
    security: OPEN,
    responses: { "200": { description: "Your runs", json: HistoryAnswerSchema } },
    errors: API,
  },
  {
    method: "delete",
    path: "/api/history",
    summary: "Clear your history",
    tags: ["history"],
    security: OPEN,
    responses: { "204": { description: "Cleared" } },
    errors: WRITE,
  },
  {
    method: "get",
    path: "/api/runs/{id}",
    summary: "One of your runs, with its console, error and egress",
    tags: ["history"],
    security: OPEN,
    pathParams: { id: RunId },
    responses: { "200": { description: "The run's record", json: RunRecordSchema } },
    errors: [...API, "invalid_run_id", "run_not_found"],
  },
  {
    method: "get",
    path: "/api/programs/{hash}",
    summary: "A stored program's source and callable exports",
    tags: ["programs"],
    security: OPEN,
    pathParams: HashParam,
    responses: { "200": { description: "The program", json: ProgramAnswerSchema } },
    errors: [...API, "invalid_hash", "program_not_found"],
  },
  {
    method: "get",
    path: "/tokens",
    summary: "Your API tokens (never the tokens themselves)",
    tags: ["tokens"],
    security: [VISITOR],
    responses: { "200": { description: "Your active tokens", json: TokenListAnswerSchema } },
    errors: [...API, "session_required"],
  },
  {
    method: "post",
    path: "/tokens",
    summary: "Make an API token, shown once",
    tags: ["tokens"],
    security: [VISITOR],
    body: { json: TokenCreateRequest, required: true },
    responses: { "201": { description: "The token, shown this once", json: TokenCreatedAnswerSchema } },
    errors: [
      ...WRITE,
      "session_required",
      "invalid_json",
      "invalid_request",
      "unsupported_media_type",
      "body_too_large",
      "too_many_tokens",
      "rate_limited",
    ],
  },
  {
    method: "delete",
    path: "/tokens/{id}",
    summary: "Revoke one of your tokens",
    tags: ["tokens"],
    security: [VISITOR],
    pathParams: { id: TokenId },
    responses: { "204": { description: "Revoked" } },
    errors: [...WRITE, "session_required", "invalid_request", "token_not_found"],
  },
  {
    method: "get",
    path: "/admin/tokens",
    summary: "The operator's view of every active token (needs ADMIN_TOKEN; 404 without it)",
    tags: ["admin"],
    security: [["adminToken"]],
    query: AdminTokenQuery,
    responses: { "200": { description: "Active tokens", json: AdminTokenListAnswerSchema } },
    errors: [...EVERY, "route_not_found", "admin_forbidden", "invalid_request"],
  },
  {
    method: "post",
    path: "/admin/tokens",
    summary: "Make a token for an owner the operator names",
    tags: ["admin"],
    security: [["adminToken"]],
    body: { json: AdminTokenCreateRequest, required: true },
    responses: { "201": { description: "The token, shown this once", json: TokenCreatedAnswerSchema } },
    errors: [
      ...EVERY,
      "cross_site_request",
      "route_not_found",
      "admin_forbidden",
      "invalid_json",
      "invalid_request",
      "unsupported_media_type",
      "body_too_large",
      "too_many_tokens",
    ],
  },
  {
    method: "delete",
    path: "/admin/tokens/{id}",
    summary: "Revoke any token",
    tags: ["admin"],
    security: [["adminToken"]],
    pathParams: { id: TokenId },
    responses: { "204": { description: "Revoked" } },
    errors: [
      ...EVERY,
      "cross_site_request",
      "route_not_found",
      "admin_forbidden",
      "invalid_request",
      "token_not_found",
    ],
  },
];

const SECURITY_SCHEMES = {
  bearerToken: {
    type: "http",
    scheme: "bearer",
    description: "An API token (pl_…) made in the playground or with `bun run token`. Runs go to its owner's history.",
  },
  visitorCookie: {
    type: "apiKey",
    in: "cookie",
    name: "promptlog_visitor",
    description: "The playground's visitor: an id the server signed, handed out on first contact.",
  },
  adminToken: {
    type: "apiKey",
    in: "header",
    name: "x-admin-token",
    description: "The operator's ADMIN_TOKEN secret.",
  },
};

let document: object | null = null;

/** The document, made once per isolate: it depends on nothing but the code. */
export function apiDocument(): object {
  document ??= openApiDocument(
    {
      title: "Promptlog",
      version: "1",
      description:
        "Runs untrusted JavaScript and TypeScript, each program in its own V8 isolate, and keeps a log of every run. Errors are `{ error: { code, message, … } }`; every code is in docs/api.md.",
    },
    ROUTES,
    SECURITY_SCHEMES,
  );
  return document;
}

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(apiDocument()));
