import { describe, expect, it } from "vitest";
import { pickVersion } from "./npm-install";

const DOCUMENT = {
  "dist-tags": { latest: "1.4.0", next: "2.0.0-rc.1" },
  versions: {
    "1.0.0": {},
    "1.4.0": {},
    "1.5.0": {},
    "2.0.0-rc.1": {},
    "not-semver": {},
  },
};

describe("pickVersion", () => {
  it("picks as npm does: an exact version or a tag as named; latest when it satisfies a range, else the highest", () => {
    expect(pickVersion(DOCUMENT, "1.0.0")).toBe("1.0.0");
    expect(pickVersion(DOCUMENT, "next")).toBe("2.0.0-rc.1");
    expect(pickVersion(DOCUMENT, "latest")).toBe("1.4.0");
    expect(pickVersion(DOCUMENT, "")).toBe("1.4.0");
    expect(pickVersion(DOCUMENT, "*")).toBe("1.4.0");
    expect(pickVersion(DOCUMENT, "^1.0.0")).toBe("1.4.0");
    expect(pickVersion(DOCUMENT, ">=1.5.0 <2")).toBe("1.5.0");
    expect(pickVersion(DOCUMENT, "~1.0")).toBe("1.0.0");
    expect(pickVersion(DOCUMENT, "^3")).toBeUndefined();
    expect(pickVersion(DOCUMENT, "not-semver")).toBeUndefined();
  });

  it("takes nothing from the prototype, and nothing a tag names that is not there", () => {
    expect(pickVersion(DOCUMENT, "constructor")).toBeUndefined();
    expect(pickVersion({ "dist-tags": { latest: "9.9.9" }, versions: {} }, "latest")).toBeUndefined();
    expect(pickVersion({ versions: "none" }, "1.0.0")).toBeUndefined();
    expect(pickVersion({ "dist-tags": { beta: "toString" }, versions: { "1.0.0": {} } }, "beta")).toBeUndefined();
  });
});
