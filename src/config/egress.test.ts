import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../base/errors";
import { egressPolicy } from "./egress";

describe("egressPolicy", () => {
  it("splits EGRESS_ALLOW on commas, trimmed, lower-cased, without empties", () => {
    const policy = egressPolicy({ EGRESS_ALLOW: " API.Example.test, ,foo.TEST,, bar.test " });
    expect([...policy.allow]).toEqual(["api.example.test", "foo.test", "bar.test"]);
    expect(policy.headers).toEqual({});
  });

  it("allows nothing when EGRESS_ALLOW is absent or empty", () => {
    expect(egressPolicy({}).allow.size).toBe(0);
    expect(egressPolicy({ EGRESS_ALLOW: "" }).allow.size).toBe(0);
    expect(egressPolicy({ EGRESS_ALLOW: " , ," }).allow.size).toBe(0);
  });

  it("parses EGRESS_HEADERS as JSON, host to headers", () => {
    const headers = { "api.example.test": { authorization: "Bearer s", "x-key": "k" }, "b.test": {} };
    const policy = egressPolicy({ EGRESS_ALLOW: "api.example.test", EGRESS_HEADERS: JSON.stringify(headers) });
    expect(policy.headers).toEqual(headers);
    expect([...policy.allow]).toEqual(["api.example.test"]);
  });

  it("matches EGRESS_HEADERS hosts as it matches EGRESS_ALLOW: lower-cased", () => {
    const policy = egressPolicy({
      EGRESS_ALLOW: "API.Example.test",
      EGRESS_HEADERS: JSON.stringify({ " API.Example.TEST ": { authorization: "Bearer s" } }),
    });
    expect(policy.headers).toEqual({ "api.example.test": { authorization: "Bearer s" } });
  });

  it("throws internal_error for EGRESS_HEADERS that is not JSON, or not host → header → string", () => {
    for (const EGRESS_HEADERS of ["{not json", '{"a.test": "x"}', '{"a.test": {"h": 1}}', "[]"]) {
      let thrown: unknown;
      try {
        egressPolicy({ EGRESS_HEADERS });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, EGRESS_HEADERS).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).code).toBe("internal_error");
      expect((thrown as ApiError).status).toBe(500);
      expect((thrown as ApiError).message).toMatch(/^Invalid egress configuration: /);
    }
  });

  it("is computed once per env object", () => {
    const vars = { EGRESS_ALLOW: "a.test" };
    const first = egressPolicy(vars);
    expect(egressPolicy(vars)).toBe(first);
    // Changing the object later does not change what was derived from it.
    vars.EGRESS_ALLOW = "b.test";
    expect([...egressPolicy(vars).allow]).toEqual(["a.test"]);
    // Another object with the same vars is derived anew.
    const other = egressPolicy({ EGRESS_ALLOW: "a.test" });
    expect(other).not.toBe(first);
    expect([...other.allow]).toEqual(["a.test"]);
  });

  it("reads the test worker's own vars", () => {
    const policy = egressPolicy(env);
    expect([...policy.allow]).toEqual(["api.example.test"]);
    expect(policy.headers).toEqual({ "api.example.test": { authorization: "Bearer operator-secret" } });
    expect(egressPolicy(env)).toBe(policy);
  });
});
