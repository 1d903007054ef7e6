import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devLineForSuite } from "../support/node/dev-line.ts";

const CLI = join(import.meta.dirname, "../../scripts/cli/promptlog.ts");

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a user runs it: its own process, the Node 24 running these tests, env as given. */
function promptlog(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function files(contents: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "promptlog-cli-"));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("the promptlog CLI, end to end against the README's dev line", () => {
  const server = devLineForSuite();
  const env = () => ({ PROMPTLOG_URL: server.origin });

  it("exits 2 with the usage for no command, an unknown command or option, and a missing file", async () => {
    for (const args of [
      [],
      ["frobnicate"],
      ["exec", "--bogus", "x.js"],
      ["exec", "/nonexistent/x.js"],
      ["call", "abc"],
    ]) {
      const ran = await promptlog(args, env());
      expect(ran.code, args.join(" ")).toBe(2);
      expect(ran.stderr.length, args.join(" ")).toBeGreaterThan(0);
    }
  });

  it("exits 2 when the server cannot be reached", async () => {
    const dir = files({ "a.js": "return 1" });
    const ran = await promptlog(["exec", join(dir, "a.js"), "--url", "http://127.0.0.1:9"]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/Cannot reach/);
  });

  it("execs a TypeScript snippet with a prompt: its value on stdout, its console on stderr", async () => {
    const dir = files({
      "words.ts": `const words: string[] = prompt.split(" ");\nconsole.log("n", words.length);\nreturn words.reverse();`,
    });
    const ran = await promptlog(["exec", join(dir, "words.ts"), "--prompt", "a b c"], env());
    expect(ran).toMatchObject({ code: 0 });
    expect(JSON.parse(ran.stdout)).toEqual(["c", "b", "a"]);
    expect(ran.stderr).toContain("[log] n 3");
  });

  it("exits 1 for the program's own throw, naming its line, and --json prints the whole answer", async () => {
    const dir = files({ "boom.js": `const x = 1;\nthrow new Error("boom " + x);` });
    const ran = await promptlog(["exec", join(dir, "boom.js")], env());
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/program_exception: Error: boom 1 \(line:2:\d+\)/);
    const json = await promptlog(["exec", join(dir, "boom.js"), "--json"], env());
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: "exception", error: { code: "program_exception" } });
  });

  it("execs several files, the first as main, with a JSON input", async () => {
    const dir = files({
      "index.ts": `import { total } from "./total";\nexport default { async fetch(req: Request) { return new Response(String(total(await req.json()))); } };`,
      "total.ts": "export const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);",
    });
    const ran = await promptlog(["exec", "index.ts", "total.ts", "--input", "[1,2,3]"], env(), dir);
    expect(ran).toMatchObject({ code: 0, stdout: "6" });
  });

  it("submits, runs and calls a stored module, and sends the token as a bearer", async () => {
    const dir = files({
      "calc.js": `export function mul(a, b) { return a * b; }\nexport default { fetch(req) { return new Response("q=" + new URL(req.url).searchParams.get("q")); } };\n// ${crypto.randomUUID()}`,
    });
    const submitted = await promptlog(["submit", join(dir, "calc.js")], env());
    expect(submitted.code).toBe(0);
    const hash = submitted.stdout.trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    const ran = await promptlog(["run", hash, "--prompt", "hi"], env());
    expect(ran).toMatchObject({ code: 0, stdout: "q=hi" });

    const called = await promptlog(["call", hash, "mul", "6", "7"], env());
    expect(called.code).toBe(0);
    expect(JSON.parse(called.stdout)).toBe(42);

    const missing = await promptlog(["call", hash, "constructor"], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/export_not_found/);

    // The token goes out as Authorization: Bearer; one the server never issued is refused with a 401.
    for (const [args, extra] of [
      [["--token", "not-a-token"], {}],
      [[], { PROMPTLOG_TOKEN: "not-a-token" }],
    ] as const) {
      const refused = await promptlog(["run", hash, ...args], { ...env(), ...extra });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^token_\w+:/);
    }

    const notFound = await promptlog(["run", "0".repeat(64)], env());
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toMatch(/program_not_found/);
  });

  it("exits 1 for a build error, with the file's line", async () => {
    const dir = files({ "bad.ts": "const x: number = ;" });
    const ran = await promptlog(["exec", join(dir, "bad.ts")], env());
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/compile_error/);
  });
});
