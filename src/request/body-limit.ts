import { bodyLimit } from "hono/body-limit";
import { ApiError, type ErrorCode, errorResponse } from "../respond/errors";

/** Hono's bodyLimit, answering our JSON 413 instead of its plain-text one. */
export function limitBody(maxSize: number, code: ErrorCode & `${string}_too_large`, message: string) {
  return bodyLimit({
    maxSize,
    onError: () => errorResponse(new ApiError(code, message)),
  });
}

export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
