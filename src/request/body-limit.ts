import { bodyLimit } from "hono/body-limit";
import { ApiError, type ErrorCode, errorResponse } from "../base/errors";

/** Hono's bodyLimit, answering our JSON 413 instead of its plain-text one. */
export function limitBody(maxSize: number, code: ErrorCode & `${string}_too_large`, message: string) {
  return bodyLimit({
    maxSize,
    onError: () => errorResponse(new ApiError(code, message)),
  });
}
