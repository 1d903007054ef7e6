import { init, parse } from "es-module-lexer/js";
import type { CallableExport } from "../base/answers";
import type { Program } from "../base/program";

/** Methods no call reaches (the runner refuses them too): the class's machinery and its fetch handler. */
const NOT_METHODS = new Set(["constructor", "fetch", "prototype", "__proto__", "then"]);

const IDENT = "[A-Za-z_$][\\w$]*";

/**
 * What a module offers to POST /call, read from the code the isolate runs (as written, or as built at
 * submit time) without running it: the exported functions, and the methods of exported WorkerEntrypoint
 * classes (`Class.method`, or just `method` for the default export). It is a listing for people and
 * agents; the runner inside the isolate decides what a call may reach.
 */
export async function callableExports(program: Program): Promise<CallableExport[]> {
  if (program.mode !== "module") return [];
  const code = mainCode(program);
  await init;
  let names: { name: string; local: string | undefined }[];
  try {
    names = parse(code)[1].flatMap((entry) =>
      entry.type === "direct" && !entry.typeOnly ? [{ name: entry.name, local: entry.localName }] : [],
    );
  } catch {
    return [];
  }
  const bases = entrypointNames(code);
  const found: CallableExport[] = [];
  for (const { name, local } of names) {
    if (name === "default") {
      const body = defaultClassBody(code, bases) ?? (local ? classBody(code, local, bases) : null);
      if (body !== null) for (const method of methodsIn(body)) found.push({ name: method, kind: "method" });
      continue;
    }
    if (!local || !/^[A-Za-z_$][\w$]*$/.test(name)) continue;
    const body = classBody(code, local, bases);
    if (body !== null) {
      for (const method of methodsIn(body)) found.push({ name: `${name}.${method}`, kind: "method" });
    } else if (isFunction(code, local)) {
      found.push({ name, kind: "function" });
    }
  }
  return found;
}

/**
 * Every name a module exports, read by the lexer; null when it cannot tell (an `export *` from
 * elsewhere, or code it cannot lex), and the isolate must decide.
 */
export async function exportNames(program: Program): Promise<string[] | null> {
  if (program.mode !== "module") return [];
  await init;
  try {
    const exports = parse(mainCode(program))[1];
    if (exports.some((entry) => entry.type === "reexport-all")) return null;
    return exports.flatMap((entry) => ("name" in entry ? [entry.name] : []));
  } catch {
    return null;
  }
}

function mainCode(program: Program): string {
  return program.compiled?.modules[program.compiled.mainModule] ?? program.code;
}

/** The local names WorkerEntrypoint is imported under (a bundler may rename it). */
function entrypointNames(code: string): string[] {
  const names = new Set<string>();
  for (const match of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']cloudflare:workers["']/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const [imported, alias] = part.trim().split(/\s+as\s+/);
      if (imported === "WorkerEntrypoint") names.add(alias ?? imported);
    }
  }
  return [...names];
}

function literal(text: string): string {
  return text.replace(/[$]/g, "\\$");
}

function isFunction(code: string, local: string): boolean {
  const name = literal(local);
  return (
    new RegExp(`(?:^|[^\\w$.])function\\s*\\*?\\s*${name}\\s*\\(`).test(code) ||
    new RegExp(
      `(?:^|[^\\w$.])(?:const|let|var)\\s+${name}\\s*=\\s*(?:async\\s+)?(?:function\\b|\\([^)]*\\)\\s*=>|${IDENT}\\s*=>)`,
    ).test(code)
  );
}

/** The body of `class Local extends WorkerEntrypoint {…}` (or `Local = class extends …`), if it is one. */
function classBody(code: string, local: string, bases: readonly string[]): string | null {
  if (bases.length === 0) return null;
  const name = literal(local);
  const base = bases.map(escape).join("|");
  const header = new RegExp(
    `(?:class\\s+${name}|(?:const|let|var)\\s+${name}\\s*=\\s*class(?:\\s+${IDENT})?)\\s+extends\\s+(?:${base})\\s*\\{`,
  ).exec(code);
  return header ? blockFrom(code, header.index + header[0].length) : null;
}

function defaultClassBody(code: string, bases: readonly string[]): string | null {
  if (bases.length === 0) return null;
  const base = bases.map(escape).join("|");
  const header = new RegExp(`export\\s+default\\s+class(?:\\s+${IDENT})?\\s+extends\\s+(?:${base})\\s*\\{`).exec(code);
  return header ? blockFrom(code, header.index + header[0].length) : null;
}

/**
 * The text of a block from just after its `{` to its closing `}`, with what is nested inside it
 * replaced by spaces, so only the class's own members are left. Strings, templates and comments are
 * skipped so a brace inside them does not count.
 */
function blockFrom(code: string, start: number): string {
  let depth = 1;
  let out = "";
  for (let i = start; i < code.length; i++) {
    const char = code[i] ?? "";
    const next = code[i + 1];
    if (char === "/" && next === "/") {
      i = code.indexOf("\n", i);
      if (i === -1) break;
      continue;
    }
    if (char === "/" && next === "*") {
      i = code.indexOf("*/", i + 2) + 1;
      if (i === 0) break;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") {
      for (i++; i < code.length && code[i] !== char; i++) if (code[i] === "\\") i++;
      if (depth === 1) out += " ";
      continue;
    }
    if (char === "{") depth++;
    if (char === "}") {
      depth--;
      if (depth === 0) return out;
    }
    if (depth === 1 && char !== "}") out += char;
    else if (depth === 2 && char === "{") out += ";";
  }
  return out;
}

/** The methods a class body declares for itself: not static ones, accessors, fields or its machinery. */
function methodsIn(body: string): string[] {
  const methods: string[] = [];
  const member = new RegExp(`(?:^|[;}\\n])\\s*((?:static|get|set|async)\\s+)*\\*?\\s*(${IDENT})\\s*\\(`, "g");
  for (const match of body.matchAll(member)) {
    const name = match[2] ?? "";
    if (/\b(?:static|get|set)\b/.test(match[1] ?? "")) continue;
    if (NOT_METHODS.has(name) || methods.includes(name)) continue;
    methods.push(name);
  }
  return methods;
}
