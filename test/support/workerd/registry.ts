import { vi } from "vitest";

/**
 * A tiny npm registry the tests serve themselves (outbound mocking): package documents and gzipped
 * tarballs built here, never the internet. Hostile tests serve hostile documents and bodies from it.
 */
export const REGISTRY = "https://registry.test";

const encoder = new TextEncoder();

/**
 * One header block for `path` (as written, no package/ added) of `size` bytes, as tar writers make
 * them: ustar by default (with an optional path prefix), or the old GNU magic.
 */
export function tarHeader(
  path: string,
  size: number,
  type = "0",
  variant: { prefix?: string; gnu?: boolean } = {},
): Uint8Array {
  const header = new Uint8Array(512);
  const field = (offset: number, value: string) => header.set(encoder.encode(value), offset);
  field(0, path);
  field(100, "0000644\0");
  field(108, "0000000\0");
  field(116, "0000000\0");
  field(124, `${size.toString(8).padStart(11, "0")}\0`);
  field(136, "00000000000\0");
  field(148, "        ");
  field(156, type);
  if (variant.gnu) field(257, "ustar  \0");
  else {
    field(257, "ustar\0");
    field(263, "00");
    if (variant.prefix) field(345, variant.prefix);
  }
  const sum = header.reduce((total, byte) => total + byte, 0);
  field(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

function concat(blocks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((total, block) => total + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/** A tar archive (ustar headers) of `files`, each under package/ (as npm packs them) unless `root` says. */
export function tar(files: Record<string, string>, root = "package/"): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [path, text] of Object.entries(files)) {
    const content = encoder.encode(text);
    blocks.push(
      tarHeader(`${root}${path}`, content.length),
      content,
      new Uint8Array((512 - (content.length % 512)) % 512),
    );
  }
  blocks.push(new Uint8Array(1024));
  return concat(blocks);
}

export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
}

/**
 * A gzip bomb: a .tgz of one file of `unpackedBytes` zeros (about a thousandth of that compressed),
 * made without ever holding the unpacked bytes. By default the file is one an installer skips (not
 * text), so only counting the bytes gunzip makes can stop it.
 */
export async function gzipBomb(unpackedBytes: number, path = "package/zeros.bin"): Promise<Uint8Array> {
  const compressor = new CompressionStream("gzip");
  const compressed = new Response(compressor.readable).arrayBuffer();
  const writer = compressor.writable.getWriter();
  await writer.write(tarHeader(path, unpackedBytes));
  const zeros = new Uint8Array(1024 * 1024);
  for (let left = unpackedBytes; left > 0; left -= zeros.length) {
    await writer.write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  }
  await writer.write(new Uint8Array(1024));
  await writer.close();
  return new Uint8Array(await compressed);
}

/** A .tgz that does not compress: one file of `bytes` random bytes. */
export async function incompressibleTgz(bytes: number): Promise<Uint8Array> {
  const noise = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 65_536)
    crypto.getRandomValues(noise.subarray(offset, offset + 65_536));
  return gzip(concat([tarHeader("package/noise.txt", bytes), noise, new Uint8Array(1024)]));
}

/** How much of a body its reader pulled. */
export interface Pulled {
  bytes: number;
  cancelled: boolean;
}

/** `data` as a body pulled in `chunk`-byte pieces, counting what the reader took (and whether it gave up). */
export function countedBody(data: Uint8Array, pulled: Pulled, chunk = 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= data.length) return controller.close();
        const piece = data.slice(offset, offset + chunk);
        offset += piece.length;
        pulled.bytes += piece.length;
        controller.enqueue(piece);
      },
      cancel() {
        pulled.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

export interface FakePackage {
  readonly name: string;
  readonly version: string;
  readonly files: Record<string, string>;
  /** The dependencies its metadata names (anything, for hostile metadata). */
  readonly dependencies?: unknown;
  /** Where its metadata says its tarball is (by default, on the registry). */
  readonly tarball?: string;
}

/** Where the registry serves a package's tarball, as npm lays it out. */
export function tarballPath(name: string, version: string): string {
  return `/${name}/-/${name.split("/").pop()}-${version}.tgz`;
}

/** A package's metadata document, as the registry serves it (abbreviated, one version). */
export function packument(pkg: Omit<FakePackage, "files">): Record<string, unknown> {
  return {
    name: pkg.name,
    "dist-tags": { latest: pkg.version },
    versions: {
      [pkg.version]: {
        name: pkg.name,
        version: pkg.version,
        ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
        dist: { tarball: pkg.tarball ?? `${REGISTRY}${tarballPath(pkg.name, pkg.version)}` },
      },
    },
  };
}

/** The package a metadata request names (npm asks for scoped ones as /@scope%2fname). */
export function packageOf(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1));
}

/** Answers registry requests for `packages`; anything else on the registry's host is a 404. */
export async function registryHandler(packages: FakePackage[]): Promise<(url: URL) => Response | null> {
  const tarballs = new Map<string, Uint8Array>();
  for (const pkg of packages) tarballs.set(tarballPath(pkg.name, pkg.version), await gzip(tar(pkg.files)));
  return (url) => {
    if (url.origin !== REGISTRY) return null;
    const tarball = tarballs.get(url.pathname);
    if (tarball) return new Response(tarball.slice(0), { headers: { "content-type": "application/octet-stream" } });
    const pkg = packages.find((candidate) => packageOf(url) === candidate.name);
    if (!pkg) return Response.json({ error: "Not found" }, { status: 404 });
    return Response.json(packument(pkg));
  };
}

/** Every request the app made while a test's registry was up. */
export interface FetchLog {
  readonly requests: { url: string; init: RequestInit | undefined }[];
  /** Requests to the registry's host. */
  registry(): number;
  /** Requests anywhere else: each one is a test failure, the registry's host is the only one allowed. */
  elsewhere(): string[];
}

/**
 * Replaces fetch, for one test, by `serve` (for the registry's host). A request to any other host is
 * recorded and fails, so a test can assert it never happened.
 */
export function serveRegistry(serve: (url: URL) => Response | null | Promise<Response | null>): FetchLog {
  const requests: FetchLog["requests"] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push({ url: url.href, init });
    const answer = url.origin === REGISTRY ? await serve(url) : null;
    if (!answer) throw new TypeError(`the test registry refuses ${url.href}`);
    return answer;
  });
  return {
    requests,
    registry: () => requests.filter((request) => new URL(request.url).origin === REGISTRY).length,
    elsewhere: () => requests.map((request) => request.url).filter((url) => new URL(url).origin !== REGISTRY),
  };
}
