import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../base/errors";
import { RATE_LIMIT_PERIOD_S } from "../config/limits";
import { type AuthEnv, callerOf } from "./auth-caller";

/**
 * Per-client rate limits through the Workers Rate Limiting binding: past the configured rate, 429
 * with Retry-After. The client is CF-Connecting-IP, which Cloudflare sets and clients cannot; locally
 * (no Cloudflare in front) the dev line's front drops any a client sends, so it is the loopback address.
 * A request with an API token counts against its token instead, wherever it comes from: an agent
 * keeps its own budget, and does not spend that of others behind the same address.
 */
export function rateLimit(binding: "SUBMIT_LIMITER" | "RUN_LIMITER"): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const limiter = c.env[binding];
    if (limiter) {
      const caller = callerOf(c);
      const address = c.req.header("cf-connecting-ip") ?? "127.0.0.1";
      const [key, who] =
        caller.kind === "token" ? [`token:${caller.tokenId}`, "this token"] : [`ip:${address}`, address];
      const { success } = await limiter.limit({ key });
      if (!success) {
        const response = errorResponse(
          new ApiError("rate_limited", `Too many requests from ${who}; try again in ${RATE_LIMIT_PERIOD_S} s.`),
        );
        response.headers.set("retry-after", String(RATE_LIMIT_PERIOD_S));
        return response;
      }
    }
    await next();
  };
}
