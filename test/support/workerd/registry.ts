/**
 * A tiny npm registry the tests serve themselves (outbound mocking): package documents and gzipped
 * tarballs built here, never the internet.
 */
export const REGISTRY = "https://registry.test";

const encoder = new TextEncoder();

/** A tar archive (ustar headers) of `files`, each under package/, as npm packs them. */
function tar(files: Record<string, string>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [path, text] of Object.entries(files)) {
    const content = encoder.encode(text);
    const header = new Uint8Array(512);
    const field = (offset: number, value: string) => header.set(encoder.encode(value), offset);
    field(0, `package/${path}`);
    field(100, "0000644\0");
    field(108, "0000000\0");
    field(116, "0000000\0");
    field(124, `${content.length.toString(8).padStart(11, "0")}\0`);
    field(136, "00000000000\0");
    field(148, "        ");
    field(156, "0");
    field(257, "ustar\0");
    field(263, "00");
    const sum = header.reduce((total, byte) => total + byte, 0);
    field(148, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(header, content, new Uint8Array((512 - (content.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((total, block) => total + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

async function gzip(data: Uint8Array): Promise<ArrayBuffer> {
  return new Response(new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
}

export interface FakePackage {
  readonly name: string;
  readonly version: string;
  readonly files: Record<string, string>;
}

/** Answers registry requests for `packages`; anything else on the registry's host is a 404. */
export async function registryHandler(packages: FakePackage[]): Promise<(url: URL) => Response | null> {
  const tarballs = new Map<string, ArrayBuffer>();
  for (const pkg of packages) tarballs.set(`/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`, await gzip(tar(pkg.files)));
  return (url) => {
    if (url.origin !== REGISTRY) return null;
    const tarball = tarballs.get(url.pathname);
    if (tarball) return new Response(tarball.slice(0), { headers: { "content-type": "application/octet-stream" } });
    const pkg = packages.find((candidate) => url.pathname === `/${candidate.name}`);
    if (!pkg) return Response.json({ error: "Not found" }, { status: 404 });
    return Response.json({
      name: pkg.name,
      "dist-tags": { latest: pkg.version },
      versions: {
        [pkg.version]: {
          name: pkg.name,
          version: pkg.version,
          dist: { tarball: `${REGISTRY}/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz` },
        },
      },
    });
  };
}
