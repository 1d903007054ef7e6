import { Schema } from "effect";
import { describe, expect, it } from "vitest";
import { decodeVars } from "./decode";
import { ApiError } from "./errors";

const Vars = Schema.Struct({
  COUNT: Schema.optional(Schema.NumberFromString.check(Schema.isInt())),
  NAME: Schema.String,
});

describe("decodeVars", () => {
  it("reads only the vars the schema names, from any env object", () => {
    const env = { COUNT: "3", NAME: "x", SECRET: "not read", LOADER: {} };
    expect(decodeVars(Vars, env, "test vars")).toEqual({ COUNT: 3, NAME: "x" });
    expect(decodeVars(Vars, { NAME: "y" }, "test vars")).toEqual({ NAME: "y" });
  });

  it("answers a bad or missing var with internal_error naming it, never a default", () => {
    for (const env of [{ NAME: "x", COUNT: "three" }, { COUNT: "1" }, { NAME: 7 }]) {
      let thrown: unknown;
      try {
        decodeVars(Vars, env, "test vars");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).code).toBe("internal_error");
      expect((thrown as ApiError).message).toMatch(/^Invalid test vars: (COUNT|NAME): /);
    }
  });
});
