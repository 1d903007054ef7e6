import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../base/errors";
import {
  checkDependency,
  metadataUrl,
  packageNameProblem,
  registryUrl,
  tarballUrlProblem,
  versionSpecProblem,
} from "./npm-names";

const REGISTRY = registryUrl("https://registry.test");

describe("package names", () => {
  it("accepts npm's names, old ones with capitals included", () => {
    for (const name of [
      "lodash",
      "@types/node",
      "JSONStream",
      "a..b",
      "left-pad",
      "@s/_x",
      "lodash.merge",
      "x~y",
      "a".repeat(214),
    ]) {
      expect(packageNameProblem(name), name).toBeNull();
    }
  });

  it("refuses what would walk a path or leave npm's characters, even where npm's validator lets it through", () => {
    for (const name of [
      "",
      ".",
      "..",
      "../../x",
      "%2e%2e",
      "a/b",
      "@scope/a/b",
      "@../x",
      "@.x/y",
      "@/x",
      "/x",
      "\\x",
      "x y",
      "x\n",
      "_x",
      "-x",
      "node_modules",
      "favicon.ico",
      "a".repeat(215),
      "ünï",
      "x:y",
      "x?y",
      "x#y",
      "__proto__",
    ]) {
      expect(packageNameProblem(name), JSON.stringify(name)).not.toBeNull();
    }
  });

  it("refuses every name with a character outside npm's URL-safe set (property)", () => {
    const unsafe = fc
      .string({ minLength: 1, maxLength: 3, unit: "binary" })
      .filter((s) => /[^a-zA-Z0-9._~-]/.test(s.replace("/", "")) || s.includes("/"));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,8}$/), unsafe, fc.stringMatching(/^[a-z0-9]{0,8}$/), (a, bad, b) => {
        const name = `${a}${bad}${b}`;
        expect(packageNameProblem(name), JSON.stringify(name)).not.toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it("every name it accepts stays a single path segment on the registry (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (name) => {
        if (packageNameProblem(name) !== null) return;
        const url = metadataUrl(REGISTRY, name);
        expect(url.origin).toBe(REGISTRY.origin);
        expect(url.pathname.slice(1)).not.toMatch(/[/\\]|^\.\.?$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("version specifiers", () => {
  it("accepts semver ranges and dist-tags", () => {
    for (const spec of [
      "",
      "*",
      "x",
      "latest",
      "next",
      "^1.2.3",
      "~1.2",
      "1.2.3",
      ">=1 <3",
      "1.x || 2.x",
      "1.0.0-beta.1",
      "v1.2.3",
      "1.2.3 - 2",
    ]) {
      expect(versionSpecProblem(spec), spec).toBeNull();
    }
  });

  it("refuses what a registry does not resolve", () => {
    for (const spec of [
      "http://127.0.0.1:9/x.tgz",
      "https://registry.test/x.tgz",
      "git+ssh://git@github.com/a/b.git",
      "github:a/b",
      "a/b",
      "file:../x",
      "link:../x",
      "workspace:^",
      "npm:lodash@4",
      "../x",
      "~/x",
      "1".repeat(300),
    ]) {
      expect(versionSpecProblem(spec), spec).not.toBeNull();
    }
  });

  it("answers 422 dependency_rejected naming the package, and who asked for it", () => {
    const error = (() => {
      try {
        checkDependency("fine", "file:/etc/passwd", "parent");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("dependency_rejected");
    expect((error as ApiError).details).toMatchObject({
      package: "fine",
      requiredBy: "parent",
      version: "file:/etc/passwd",
    });
    expect(() => checkDependency("ok", 5)).toThrow(/not a string/);
    expect(checkDependency("ok", "^1")).toBe("^1");
  });
});

describe("registry URLs", () => {
  it("asks for scoped packages as @scope%2Fname, under the registry's own path", () => {
    expect(metadataUrl(REGISTRY, "@types/node").href).toBe("https://registry.test/@types%2Fnode");
    expect(metadataUrl(registryUrl("https://mirror.test/npm/"), "lodash").href).toBe("https://mirror.test/npm/lodash");
  });

  it("takes a tarball only on the registry's origin", () => {
    expect(tarballUrlProblem(REGISTRY, "https://registry.test/x/-/x-1.0.0.tgz")).toBeNull();
    for (const url of [
      "http://registry.test/x.tgz",
      "https://registry.test:444/x.tgz",
      "https://a:b@registry.test/x.tgz",
      "https://evil.test/x.tgz",
      "http://127.0.0.1:9/x.tgz",
      "file:///etc/passwd",
      "/x.tgz",
      "",
      5,
      undefined,
    ]) {
      expect(tarballUrlProblem(REGISTRY, url), String(url)).not.toBeNull();
    }
  });

  it("refuses a registry that is not an http(s) URL", () => {
    for (const registry of ["registry.npmjs.org", "file:///x", "https://u:p@x.test", "ftp://x.test"]) {
      expect(() => registryUrl(registry), registry).toThrow(ApiError);
    }
  });
});
