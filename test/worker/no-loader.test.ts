import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryAnswer, SubmitAnswer } from "../../src/base/answers";
import worker from "../../src/index";
import { expectError, ORIGIN, unique } from "../support/workerd/api";

/**
 * The worker as wrangler.prod.jsonc deploys it: every binding but the Worker Loader. The generated
 * Env follows wrangler.jsonc, which has one, hence the cast.
 */
const prodEnv = { ...env, LOADER: undefined } as unknown as Env;

async function fetchProd(path: string, init?: RequestInit) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${ORIGIN}${path}`, init), prodEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("without a Worker Loader", () => {
  it("still stores programs, answers runs with 503 and an explanation, and records them", async () => {
    const submitted = await fetchProd("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: unique("return 1;") }),
    });
    expect(submitted.status).toBe(201);
    const { url } = (await submitted.json()) as SubmitAnswer;
    // A visitor the server signed: a run without one is recorded nowhere.
    const first = await fetchProd("/api/history");
    const cookie = /promptlog_visitor=[^;]+/.exec(first.headers.get("set-cookie") ?? "")?.[0] ?? "";
    const run = await fetchProd(`${url}?prompt=x`, { headers: { cookie } });
    const error = await expectError(run, 503, "loader_unavailable");
    expect(error.message).toMatch(/Worker Loader/);
    const history = await fetchProd("/api/history", { headers: { cookie } });
    expect(((await history.json()) as HistoryAnswer).entries[0]?.status).toBe(503);
  });

  it("serves the page with a notice instead of failing", async () => {
    const html = await (await fetchProd("/")).text();
    expect(html).toContain("no Worker Loader");
  });
});
