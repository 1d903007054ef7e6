/**
 * A streaming reader of tar archives (ustar, with pax and GNU long names), as npm packs tarballs.
 * Chunks are pushed as they come out of gunzip, split anywhere; only the files the caller wants are
 * kept, and only as their bytes arrive (no entry's declared size is ever allocated up front).
 */
import { joinBytes } from "../base/bytes";

const BLOCK = 512;
/** Pax headers and GNU long names are a few hundred bytes; more is no npm tarball. */
const MAX_META_BYTES = 64 * 1024;

/** A tar archive we cannot read: corrupt, truncated, or of a kind npm does not make. */
export class TarError extends Error {
  override readonly name = "TarError";
}

export interface TarEntry {
  /** The path as the archive names it (pax and GNU long names applied, ustar prefix joined). */
  readonly path: string;
  /** "0" for a file, "5" a directory, "2" a symlink, …, as in the header. */
  readonly type: string;
  readonly size: number;
}

export interface TarHandler {
  /** Whether the content of this regular file is wanted; it is skipped otherwise. May throw to stop. */
  wants(entry: TarEntry): boolean;
  /** A wanted file, once all of it has arrived. */
  file(entry: TarEntry, content: Uint8Array): void;
}

const decoder = new TextDecoder();

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** A numeric field: octal text, or base-256 (high bit set) as GNU tar writes big values. */
function number(block: Uint8Array, offset: number, length: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new TarError("a negative size");
    let value = first & 0x7f;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const digits = text(block, offset, length).trim();
  if (digits === "") return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError(`a numeric field that is not octal (${JSON.stringify(digits)})`);
  return Number.parseInt(digits, 8);
}

function checksumMatches(block: Uint8Array): boolean {
  const stored = number(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Pax extended header records: "<length> <key>=<value>\n", lengths in bytes. */
function paxRecords(content: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number.parseInt(decoder.decode(content.subarray(offset, space)), 10);
    if (!Number.isSafeInteger(length) || length <= space - offset || offset + length > content.length) {
      throw new TarError("a malformed pax header");
    }
    const record = decoder.decode(content.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf("=");
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

type Kind = "file" | "pax" | "longName" | "skip";

export class TarReader {
  readonly #handler: TarHandler;
  /** The header being filled, block by block. */
  readonly #header = new Uint8Array(BLOCK);
  #headerFill = 0;
  /** The entry whose content is arriving (null between entries). */
  #entry: { info: TarEntry; kind: Kind; left: number; pieces: Uint8Array[] | null; padding: number } | null = null;
  /** What pax or GNU long-name headers say of the next entry. */
  #nextPath: string | null = null;
  #nextSize: number | null = null;
  #ended = false;

  constructor(handler: TarHandler) {
    this.#handler = handler;
  }

  /** The archive's end marker was read: whatever comes after it is not looked at. */
  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length && !this.#ended) {
      const entry = this.#entry;
      if (!entry) {
        const take = Math.min(BLOCK - this.#headerFill, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFill);
        this.#headerFill += take;
        offset += take;
        if (this.#headerFill === BLOCK) {
          this.#headerFill = 0;
          this.#startEntry();
        }
        continue;
      }
      if (entry.left > 0) {
        const take = Math.min(entry.left, chunk.length - offset);
        entry.pieces?.push(chunk.slice(offset, offset + take));
        entry.left -= take;
        offset += take;
        if (entry.left === 0) this.#finishContent();
        continue;
      }
      const skip = Math.min(entry.padding, chunk.length - offset);
      entry.padding -= skip;
      offset += skip;
      if (entry.padding === 0) this.#entry = null;
    }
  }

  /** The stream is over: an archive cut inside a header or an entry is refused. */
  end(): void {
    if (this.#ended) return;
    if (this.#headerFill > 0 || this.#entry) throw new TarError("the archive is truncated");
    this.#ended = true;
  }

  #startEntry(): void {
    const block = this.#header;
    if (block.every((byte) => byte === 0)) {
      this.#ended = true;
      return;
    }
    if (!checksumMatches(block)) throw new TarError("a header's checksum does not match (not a tar archive?)");
    const type = String.fromCharCode(block[156] ?? 0);
    const ustar = text(block, 257, 6) === "ustar";
    const name = text(block, 0, 100);
    const prefix = ustar ? text(block, 345, 155) : "";
    const path = this.#nextPath ?? (prefix ? `${prefix}/${name}` : name);
    const size = this.#nextSize ?? number(block, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) throw new TarError("an entry's size is out of range");
    let kind: Kind;
    if (type === "x" || type === "L") {
      if (size > MAX_META_BYTES) throw new TarError("a pax or long-name header is too large");
      kind = type === "x" ? "pax" : "longName";
    } else {
      this.#nextPath = null;
      this.#nextSize = null;
      const regular = type === "0" || type === "\0" || type === "7";
      kind = regular && this.#handler.wants({ path, type: type === "\0" ? "0" : type, size }) ? "file" : "skip";
    }
    const info: TarEntry = { path, type: type === "\0" ? "0" : type, size };
    // Only typeflags that carry content have blocks after them; a directory's or link's size is not read.
    const carries = !["1", "2", "3", "4", "5", "6"].includes(type);
    const left = carries ? size : 0;
    this.#entry = { info, kind, left, pieces: kind === "skip" ? null : [], padding: (BLOCK - (left % BLOCK)) % BLOCK };
    if (left === 0) this.#finishContent();
  }

  #finishContent(): void {
    const entry = this.#entry;
    if (!entry) return;
    const content = entry.pieces ? joinBytes(entry.pieces, entry.info.size) : null;
    entry.pieces = null;
    if (entry.padding === 0) this.#entry = null;
    if (!content) return;
    if (entry.kind === "file") this.#handler.file(entry.info, content);
    else if (entry.kind === "longName") this.#nextPath = text(content, 0, content.length);
    else if (entry.kind === "pax") {
      const records = paxRecords(content);
      const path = records.get("path");
      if (path !== undefined) this.#nextPath = path;
      const size = records.get("size");
      if (size !== undefined) {
        if (!/^\d+$/.test(size)) throw new TarError("a pax size that is not a number");
        this.#nextSize = Number(size);
      }
    }
  }
}
