import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../base/errors";
import { RATE_LIMIT_PERIOD_S } from "../config/limits";
import type { RequestEnv } from "./request-env";

/**
 * Per-client rate limits through the Workers Rate Limiting binding: past the configured rate, 429
 * with Retry-After. The client is CF-Connecting-IP, which Cloudflare sets and clients cannot; locally
 * (no Cloudflare in front) the dev line's front drops any a client sends, so it is the loopback address.
 */
export function rateLimit(binding: "SUBMIT_LIMITER" | "RUN_LIMITER"): MiddlewareHandler<RequestEnv> {
  return async (c, next) => {
    const limiter = c.env[binding];
    if (limiter) {
      const client = c.req.header("cf-connecting-ip") ?? "127.0.0.1";
      const { success } = await limiter.limit({ key: client });
      if (!success) {
        const response = errorResponse(
          new ApiError("rate_limited", `Too many requests from ${client}; try again in ${RATE_LIMIT_PERIOD_S} s.`),
        );
        response.headers.set("retry-after", String(RATE_LIMIT_PERIOD_S));
        return response;
      }
    }
    await next();
  };
}
