import { formatBytes } from "../base/bytes";
import { ApiError } from "../base/errors";
import type { Deadline } from "./deadline";

/** Which limit a budget is: the names a 422 dependency_too_large gives as `limit`. */
export type ByteLimit = "metadataBytes" | "compressedBytes" | "unpackedBytes";

const WHAT: Record<ByteLimit, string> = {
  metadataBytes: "registry metadata",
  compressedBytes: "tarballs (compressed)",
  unpackedBytes: "unpacked tarballs",
};

/**
 * Bytes allowed for one kind of thing over a whole install (shared by every package of it). `take` is
 * called as each chunk arrives, so the limit stops the install on the chunk that passes it.
 */
export class ByteBudget {
  used = 0;

  constructor(
    readonly limit: ByteLimit,
    readonly max: number,
  ) {}

  get left(): number {
    return Math.max(0, this.max - this.used);
  }

  /** Counts `bytes` read for `pkg`: a 422 dependency_too_large naming it once the total passes the limit. */
  take(bytes: number, pkg: string): void {
    this.used += bytes;
    if (this.used > this.max) throw this.exceeded(pkg);
  }

  /** A declared length (Content-Length, a tar entry's size) already over what is left: refused before reading. */
  check(bytes: number, pkg: string): void {
    if (bytes > this.left) throw this.exceeded(pkg);
  }

  exceeded(pkg: string): ApiError {
    return new ApiError(
      "dependency_too_large",
      `Installing ${pkg} passed the limit of ${formatBytes(this.max)} of ${WHAT[this.limit]} for one program's dependencies.`,
      { package: pkg, limit: this.limit, max: this.max },
    );
  }
}

/**
 * The chunks of `body`, each counted against `budget` for `pkg` before it is handed on, every read
 * raced against `deadline`. However the loop ends (done, a limit, a throw downstream, the deadline),
 * the body is cancelled, so its sender stops too.
 */
export async function* countedChunks(
  body: ReadableStream<Uint8Array>,
  budget: ByteBudget,
  pkg: string,
  deadline: Deadline,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await deadline.race(reader.read());
      if (done) {
        finished = true;
        return;
      }
      budget.take(value.byteLength, pkg);
      yield value;
    }
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}
