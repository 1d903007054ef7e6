import { describe, expect, it } from "vitest";
import { countedBody } from "../../test/support/workerd/registry";
import { ApiError } from "../base/errors";
import { ByteBudget } from "./byte-budget";
import { Deadline } from "./deadline";
import { isTextFile, packagePath, unpackTarball } from "./tarball";

const encoder = new TextEncoder();
const MiB = 1024 * 1024;

function header(path: string, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (offset: number, value: string) => block.set(encoder.encode(value), offset);
  put(0, path);
  put(100, "0000644\0");
  put(124, `${size.toString(8).padStart(11, "0")}\0`);
  put(148, "        ");
  put(156, "0");
  put(257, "ustar\0");
  put(263, "00");
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** Gzips what `write` writes, never holding it whole. */
async function gzipOf(write: (writer: WritableStreamDefaultWriter<Uint8Array>) => Promise<void>): Promise<Uint8Array> {
  const compressor = new CompressionStream("gzip");
  const out = new Response(compressor.readable).arrayBuffer();
  const writer = compressor.writable.getWriter();
  await write(writer);
  await writer.close();
  return new Uint8Array(await out);
}

function tgz(files: Record<string, string>): Promise<Uint8Array> {
  return gzipOf(async (writer) => {
    for (const [path, text] of Object.entries(files)) {
      const bytes = encoder.encode(text);
      await writer.write(header(path, bytes.length));
      await writer.write(bytes);
      await writer.write(new Uint8Array((512 - (bytes.length % 512)) % 512));
    }
    await writer.write(new Uint8Array(1024));
  });
}

/** A bomb of zeros, in a file the reader skips (not text): only the unpacked count can stop it. */
function bomb(unpacked: number): Promise<Uint8Array> {
  return gzipOf(async (writer) => {
    await writer.write(header("package/zeros.bin", unpacked));
    const zeros = new Uint8Array(MiB);
    for (let left = unpacked; left > 0; left -= MiB) await writer.write(left >= MiB ? zeros : zeros.subarray(0, left));
    await writer.write(new Uint8Array(1024));
  });
}

/** `data` as a body in `chunk`-byte pieces, counting what the reader pulled. */
function stream(
  data: Uint8Array,
  chunk = 16 * 1024,
  pulled = { bytes: 0, cancelled: false },
): ReadableStream<Uint8Array> {
  return countedBody(data, pulled, chunk);
}

function budgets(compressed = 5 * MiB, unpacked = 20 * MiB) {
  return {
    compressed: new ByteBudget("compressedBytes", compressed),
    unpacked: new ByteBudget("unpackedBytes", unpacked),
    deadline: new Deadline(10_000),
  };
}

async function failure(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("unpackTarball", () => {
  it("gives a package's text files by their path inside it", async () => {
    const data = await tgz({
      "package/package.json": '{"name":"x"}',
      "package/lib/index.js": "exports.a = 1;",
      "package/logo.png": "\u0089PNG",
      "package/README.md": "# x",
    });
    const files = await unpackTarball(stream(data, 7), "x", budgets());
    expect(Object.fromEntries(files)).toEqual({
      "package.json": '{"name":"x"}',
      "lib/index.js": "exports.a = 1;",
      "README.md": "# x",
    });
  });

  it("stops a 100 MiB bomb at the unpacked limit, having read a fifth of it, within a slice's worth", async () => {
    const data = await bomb(100 * MiB);
    const pulled = { bytes: 0, cancelled: false };
    const limits = budgets(5 * MiB, 20 * MiB);
    const started = Date.now();
    const error = await failure(unpackTarball(stream(data, 1024, pulled), "boom", limits));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.code).toBe("dependency_too_large");
    expect(error.details).toEqual({ package: "boom", limit: "unpackedBytes", max: 20 * MiB });
    // Counted as gunzip made it: past the limit by at most what one 1 KiB slice inflates to.
    expect(limits.unpacked.used).toBeGreaterThan(20 * MiB);
    expect(limits.unpacked.used).toBeLessThan(20 * MiB + 1.1 * MiB);
    expect(pulled.bytes).toBeLessThan(data.length * 0.25);
    limits.deadline.stop();
  });

  it("refuses, before reading it, a file that declares more than the unpacked limit", async () => {
    const data = await gzipOf(async (writer) => {
      await writer.write(header("package/index.js", 30 * MiB));
    });
    const limits = budgets(5 * MiB, 20 * MiB);
    const error = await failure(unpackTarball(stream(data), "liar", limits));
    expect(error.details).toMatchObject({ limit: "unpackedBytes" });
    expect(limits.unpacked.used).toBeLessThan(MiB);
  });

  it("counts compressed and unpacked bytes across packages, as one install does", async () => {
    const limits = budgets(5 * MiB, 64 * 1024);
    const data = await tgz({ "package/index.js": "x".repeat(40 * 1024) });
    await unpackTarball(stream(data), "first", limits);
    const error = await failure(unpackTarball(stream(data), "second", limits));
    expect(error.details).toMatchObject({ package: "second", limit: "unpackedBytes" });
  });

  it("refuses what is not a gzipped tar, and entries that leave the package", async () => {
    const plain = await failure(unpackTarball(stream(encoder.encode("not gzip at all")), "p", budgets()));
    expect(plain.code).toBe("dependency_rejected");
    const notTar = await failure(
      unpackTarball(stream(await gzipOf((w) => w.write(new Uint8Array(600).fill(65)))), "t", budgets()),
    );
    expect(notTar.code).toBe("dependency_rejected");
    const cut = await tgz({ "package/index.js": "x".repeat(5000) });
    const truncated = await failure(unpackTarball(stream(cut.subarray(0, cut.length - 30)), "c", budgets()));
    expect(truncated.code).toBe("dependency_rejected");
    for (const path of ["package/../../x.js", "/etc/x.js", "package/..", "package\\..\\x.js"]) {
      const error = await failure(unpackTarball(stream(await tgz({ [path]: "x" })), "evil", budgets()));
      expect(error.details, path).toMatchObject({ package: "evil", reason: "tarball" });
    }
  });
});

describe("package paths", () => {
  it("strips npm's first directory, whatever it is named, and drops the root", () => {
    expect(packagePath("package/lib/a.js", "p")).toBe("lib/a.js");
    expect(packagePath("node-v1/lib/a.js", "p")).toBe("lib/a.js");
    expect(packagePath("./package/./a.js", "p")).toBe("a.js");
    expect(packagePath("package/", "p")).toBeNull();
    expect(packagePath("top.js", "p")).toBeNull();
  });

  it("keeps text files only, as the bundler does", () => {
    for (const path of ["a.js", "a.d.ts", "package.json", "LICENSE", "x/README", "a.cjs", "a.map"]) {
      expect(isTextFile(path), path).toBe(true);
    }
    for (const path of ["a.png", "a.wasm", "a.node", "bin/tool"]) expect(isTextFile(path), path).toBe(false);
  });
});
