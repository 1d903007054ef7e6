import type { Context } from "hono";
import { ApiError } from "../base/errors";

/**
 * Reads a JSON request body: 415 when it is not declared as JSON, 400 when it does not parse.
 * The size limit is enforced before this by Hono's bodyLimit middleware.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError(
      "unsupported_media_type",
      `Send the body as JSON with Content-Type: application/json (got ${type ? `"${type}"` : "no Content-Type"}).`,
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}
