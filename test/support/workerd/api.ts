import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ErrorAnswer, RunRecord, SubmitAnswer } from "../../../src/base/answers";
import type { ErrorBody } from "../../../src/base/errors";

export const ORIGIN = "http://localhost:8787";

/**
 * Each test file is its own client (CF-Connecting-IP), so the per-client rate limits of
 * wrangler.jsonc apply to each file's requests as they would to one person's.
 */
export const CLIENT_IP = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** A request to the real main worker, through its default export, inside workerd. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  const request = new Request(`${ORIGIN}${path}`, init);
  if (!request.headers.has("cf-connecting-ip")) request.headers.set("cf-connecting-ip", CLIENT_IP);
  return exports.default.fetch(request);
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export function submit(code: string, mode?: "module" | "snippet"): Promise<SubmitAnswer> {
  return submitBody(mode ? { code, mode } : { code });
}

/** A submit of any body (files, language, network); it must be stored (200 or 201). */
export async function submitBody(body: Record<string, unknown>): Promise<SubmitAnswer> {
  const response = await postJson("/submit", body);
  const text = await response.text();
  expect([200, 201], `submit answered ${response.status}: ${text}`).toContain(response.status);
  return JSON.parse(text) as SubmitAnswer;
}

/** Asserts the documented error shape and returns it. */
export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorAnswer;
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

/** A fresh anonymous visitor: the cookie the worker hands out on first contact. */
export async function newVisitor(): Promise<string> {
  const response = await call("/api/history");
  const cookie = response.headers.get("set-cookie") ?? "";
  const match = /promptlog_visitor=([^;]+)/.exec(cookie);
  expect(match).not.toBeNull();
  return `promptlog_visitor=${match?.[1]}`;
}

/** Each test gets code nobody else submitted, so stored state never leaks between tests. */
export function unique(code: string): string {
  return `${code}\n// ${crypto.randomUUID()}`;
}

/** A run's full record, once its console has arrived from the tail (just after the response). */
export async function recordOf(cookie: string, runId: string): Promise<RunRecord> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const response = await call(`/api/runs/${runId}`, { headers: { cookie } });
    if (response.status === 200) {
      const record = (await response.json()) as RunRecord;
      if (record.consoleReady) return record;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${runId} never got its console`);
}
