/**
 * `bun run token`: the operator's API tokens, made, listed and revoked on the dev line or a deployed
 * worker through /admin/tokens, with the ADMIN_TOKEN secret (from the environment, never an
 * argument: arguments show in `ps` and shell history).
 *
 *   ADMIN_TOKEN=… bun run token create <owner> <name> [--url URL] [--json]
 *   ADMIN_TOKEN=… bun run token list [<owner>] [--url URL] [--json]
 *   ADMIN_TOKEN=… bun run token revoke <id> [--url URL]
 *
 * --url defaults to PROMPTLOG_URL, else the dev line (http://localhost:8787). Exit codes: 0 done,
 * 1 the server refused (its error is printed), 2 usage or transport error.
 */
import { parseArgs } from "node:util";
import type { AdminTokenListAnswer, ErrorAnswer, TokenCreatedAnswer } from "../src/base/answers.ts";

const USAGE = `usage: ADMIN_TOKEN=… bun run token create <owner> <name> | list [<owner>] | revoke <id>  [--url URL] [--json]`;

class Usage extends Error {}
class Refused extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const admin = process.env.ADMIN_TOKEN;
  if (!admin) throw new Usage("ADMIN_TOKEN is not set: it is the worker's ADMIN_TOKEN secret.");
  const base = new URL(values.url ?? process.env.PROMPTLOG_URL ?? "http://localhost:8787");
  const [command, ...rest] = positionals;
  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        method,
        headers: { "x-admin-token": admin, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new Usage(`could not reach ${base.origin}: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    const text = await response.text();
    let message = `${response.status} ${text}`;
    try {
      const { error } = JSON.parse(text) as ErrorAnswer;
      message = `${response.status} ${error.code}: ${error.message}`;
    } catch {
      // not our JSON error: print what came
    }
    if (response.status === 404 && path.startsWith("/admin/tokens") && method !== "DELETE") {
      message += " (is ADMIN_TOKEN set on the worker?)";
    }
    throw new Refused(message);
  };

  if (command === "create" && rest.length === 2) {
    const [owner, name] = rest;
    const created = (await (await request("POST", "/admin/tokens", { owner, name })).json()) as TokenCreatedAnswer;
    if (values.json) console.log(JSON.stringify(created));
    else {
      console.log(created.token);
      console.error(`token ${created.id} "${created.name}" for ${owner}: shown once, keep it now.`);
    }
  } else if (command === "list" && rest.length <= 1) {
    const query = rest[0] ? `?owner=${encodeURIComponent(rest[0])}` : "";
    const list = (await (await request("GET", `/admin/tokens${query}`)).json()) as AdminTokenListAnswer;
    if (values.json) console.log(JSON.stringify(list));
    else {
      for (const token of list.tokens) {
        const owner = token.ownerName ?? `visitor ${token.owner}`;
        console.log(
          `${token.id}  ${owner}  "${token.name}"  created ${token.created}  last used ${token.lastUsed ?? "never"}`,
        );
      }
      if (list.tokens.length === 0) console.error("no active tokens");
    }
  } else if (command === "revoke" && rest.length === 1) {
    await request("DELETE", `/admin/tokens/${encodeURIComponent(rest[0] ?? "")}`);
    console.error(`revoked ${rest[0]}`);
  } else {
    throw new Usage(USAGE);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof Refused ? 1 : 2);
  },
);
