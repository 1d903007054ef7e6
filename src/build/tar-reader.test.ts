import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tarHeader } from "../../test/support/workerd/registry";
import { type TarEntry, TarError, TarReader } from "./tar-reader";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A header block as tar writers make them; `fields` overrides name, size, type, magic, prefix. */
function header(fields: { name: string; size: number; type?: string; prefix?: string; gnu?: boolean }): Uint8Array {
  return tarHeader(fields.name, fields.size, fields.type ?? "0", {
    ...(fields.prefix ? { prefix: fields.prefix } : {}),
    ...(fields.gnu ? { gnu: true } : {}),
  });
}

function entry(fields: Parameters<typeof header>[0], content: Uint8Array | string = ""): Uint8Array[] {
  const bytes = typeof content === "string" ? encoder.encode(content) : content;
  return [header({ ...fields, size: bytes.length }), bytes, new Uint8Array((512 - (bytes.length % 512)) % 512)];
}

function pax(records: Record<string, string>): Uint8Array[] {
  let body = "";
  for (const [key, value] of Object.entries(records)) {
    const record = ` ${key}=${value}\n`;
    let length = record.length + 1;
    while (`${length}${record}`.length !== length) length++;
    body += `${length}${record}`;
  }
  return entry({ name: "PaxHeader", size: 0, type: "x" }, body);
}

function archive(...entries: Uint8Array[][]): Uint8Array {
  const blocks = [...entries.flat(), new Uint8Array(1024)];
  const out = new Uint8Array(blocks.reduce((total, block) => total + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/** Reads `data` pushed in pieces cut at `cuts`; what it kept, by path. */
function read(data: Uint8Array, cuts: number[] = [], wants: (entry: TarEntry) => boolean = () => true) {
  const files = new Map<string, string>();
  const seen: TarEntry[] = [];
  const reader = new TarReader({
    wants(entry) {
      seen.push(entry);
      return wants(entry);
    },
    file(entry, content) {
      files.set(entry.path, decoder.decode(content));
    },
  });
  let offset = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length).sort((a, b) => a - b), data.length]) {
    reader.push(data.subarray(offset, cut));
    offset = cut;
  }
  reader.end();
  return { files, seen, ended: reader.ended };
}

const SAMPLE = archive(
  entry({ name: "package/package.json", size: 0 }, '{"name":"x"}'),
  entry({ name: "package/lib", size: 0, type: "5" }),
  entry({ name: "package/lib/index.js", size: 0 }, "module.exports = 1;\n".repeat(40)),
  entry({ name: "package/empty.js", size: 0 }, ""),
  entry({ name: "package/link.js", size: 0, type: "2" }),
  entry({ name: "deep.js", size: 0, prefix: "package/a/b" }, "deep"),
  pax({ path: `package/${"long/".repeat(40)}name.js` }),
  entry({ name: "package/truncated-name.js", size: 0 }, "long"),
  entry({ name: "././@LongLink", size: 0, type: "L", gnu: true }, "package/gnu-long-name.js\0"),
  entry({ name: "package/gnu-short", size: 0, gnu: true }, "gnu"),
);

describe("TarReader", () => {
  it("reads files with ustar prefixes, pax paths and GNU long names, and skips directories and links", () => {
    const { files, seen } = read(SAMPLE);
    expect(Object.fromEntries(files)).toEqual({
      "package/package.json": '{"name":"x"}',
      "package/lib/index.js": "module.exports = 1;\n".repeat(40),
      "package/empty.js": "",
      "package/a/b/deep.js": "deep",
      [`package/${"long/".repeat(40)}name.js`]: "long",
      "package/gnu-long-name.js": "gnu",
    });
    expect(seen.map((entry) => entry.type)).not.toContain("5");
  });

  it("reads the same however the stream is cut (property)", () => {
    const whole = read(SAMPLE).files;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SAMPLE.length }), { maxLength: 30 }), (cuts) => {
        expect(read(SAMPLE, cuts).files).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps only the files wanted, and stops at the end marker", () => {
    const withTrailer = new Uint8Array([...SAMPLE, ...new Uint8Array(2048).fill(7)]);
    const { files, ended } = read(withTrailer, [], (entry) => entry.path.endsWith(".json"));
    expect([...files.keys()]).toEqual(["package/package.json"]);
    expect(ended).toBe(true);
  });

  it("refuses a corrupt header, a truncated archive, and a size that is not a number", () => {
    const corrupt = SAMPLE.slice();
    corrupt[10] = 65; // the first name changes, its checksum no longer matches
    expect(() => read(corrupt)).toThrow(TarError);
    expect(() => read(SAMPLE.subarray(0, 700))).toThrow(/truncated/);
    expect(() => read(SAMPLE.subarray(0, 100))).toThrow(/truncated/);
    const badSize = header({ name: "package/x.js", size: 0 });
    badSize.set(encoder.encode("9zz"), 124);
    expect(() => read(archive([badSize]))).toThrow(TarError);
    expect(() => read(new Uint8Array(512).fill(1))).toThrow(TarError);
  });

  it("never allocates a declared size: a file is held only as its bytes arrive", () => {
    // A header that claims 8 GiB (base-256), then nothing: the handler sees the size and may refuse.
    const huge = header({ name: "package/huge.js", size: 0 });
    huge.set([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 124);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (huge[i] ?? 0);
    huge.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    let declared = 0;
    const reader = new TarReader({
      wants(entry) {
        declared = entry.size;
        return true;
      },
      file() {},
    });
    reader.push(huge);
    reader.push(new Uint8Array(4096));
    expect(declared).toBe(8 * 1024 * 1024 * 1024);
    expect(() => reader.end()).toThrow(/truncated/);
  });

  it("gives the entry's path as written, for the caller to judge", () => {
    const { seen } = read(archive(entry({ name: "package/../../escape.js", size: 0 }, "x")), [], () => false);
    expect(seen[0]?.path).toBe("package/../../escape.js");
  });
});
