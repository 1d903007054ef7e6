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
    const run = await fetchProd(`${url}?prompt=x`, {
      headers: { cookie: "promptlog_visitor=5b0c6f4e-1f7a-4b7e-9a51-3c2d1e0f9a8b" },
    });
    const error = await expectError(run, 503, "loader_unavailable");
    expect(error.message).toMatch(/Worker Loader/);
    const history = await fetchProd("/api/history", {
      headers: { cookie: "promptlog_visitor=5b0c6f4e-1f7a-4b7e-9a51-3c2d1e0f9a8b" },
    });
    expect(((await history.json()) as HistoryAnswer).entries[0]?.status).toBe(503);
  });

  it("serves the page with a notice instead of failing", async () => {
    const html = await (await fetchProd("/")).text();
    expect(html).toContain("no Worker Loader");
  });
});
