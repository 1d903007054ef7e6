import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/base/errors";
import { installDependencies } from "../../src/build/npm-install";
import { DEPENDENCY_LIMITS } from "../../src/config/limits";
import { call, expectError, postJson, submitBody, unique } from "../support/workerd/api";
import {
  countedBody,
  type FakePackage,
  gzip,
  gzipBomb,
  incompressibleTgz,
  type Pulled,
  packageOf,
  packument,
  REGISTRY,
  registryHandler,
  serveRegistry,
  tar,
  tarballPath,
  tarHeader,
} from "../support/workerd/registry";

// An attacker's findings against the build's npm install, each made a test: whatever the registry's
// documents say, only the registry's host is asked, names are checked before any request, and every
// limit stops the install at once with a 422 that names the package.

afterEach(() => {
  vi.restoreAllMocks();
});

const GREET: FakePackage = {
  name: "tiny-greet",
  version: "1.2.3",
  dependencies: { "tiny-words": "^2.0.0" },
  files: {
    "package.json": JSON.stringify({ name: "tiny-greet", version: "1.2.3", main: "index.js" }),
    "index.js":
      "const words = require('tiny-words');\nmodule.exports = function greet(name) { return words.hello + ', ' + name; };",
  },
};
const WORDS: FakePackage = {
  name: "tiny-words",
  version: "2.1.0",
  files: {
    "package.json": JSON.stringify({ name: "tiny-words", version: "2.1.0", main: "lib/index.js" }),
    "lib/index.js": "exports.hello = 'hello';",
  },
};

/** Each submit from a client of its own: this file's many refused submits must not meet the rate limit. */
function submitFiles(files: Record<string, string>): Promise<Response> {
  const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return postJson("/submit", { files }, { "cf-connecting-ip": ip });
}

/** A program whose package.json names `dependencies` (the code need not import them: the install comes first). */
function withDependencies(dependencies: Record<string, unknown>): Record<string, string> {
  return {
    "index.ts": unique("export default { fetch() { return new Response('ok') } };"),
    "package.json": JSON.stringify({ dependencies }),
  };
}

/** A registry serving `packages`, and whatever `extra` answers first. */
async function registryWith(
  packages: FakePackage[],
  extra: (url: URL) => Response | Promise<Response> | null = () => null,
) {
  const serve = await registryHandler(packages);
  return serveRegistry(async (url) => (await extra(url)) ?? serve(url));
}

describe("npm dependencies: what a good install does", () => {
  it("installs a package and its own dependency, asking only the registry, and the bundler fetches nothing", async () => {
    const log = await registryWith([GREET, WORDS]);
    const program = await submitBody({
      files: {
        "index.ts": unique(
          `import greet from "tiny-greet";\nexport default { fetch(req: Request) { return new Response(greet(new URL(req.url).searchParams.get("q") ?? "")) } };`,
        ),
        "package.json": JSON.stringify({ dependencies: { "tiny-greet": "^1.0.0" } }),
      },
    });
    expect(await (await call(`${program.url}?q=ada`)).text()).toBe("hello, ada");
    // Metadata and tarball of each of the two packages: nothing else, nowhere else.
    expect(log.requests.map((request) => request.url).sort()).toEqual(
      [
        `${REGISTRY}/tiny-greet`,
        `${REGISTRY}${tarballPath("tiny-greet", "1.2.3")}`,
        `${REGISTRY}/tiny-words`,
        `${REGISTRY}${tarballPath("tiny-words", "2.1.0")}`,
      ].sort(),
    );
    // Every request is ours (the bundler's own installer never says redirect: "manual").
    for (const request of log.requests) expect(request.init?.redirect).toBe("manual");
  });

  it("asks for a scoped package as @scope%2fname, on the registry", async () => {
    const scoped: FakePackage = {
      name: "@tiny/shout",
      version: "0.1.0",
      files: { "package.json": JSON.stringify({ name: "@tiny/shout", main: "i.js" }), "i.js": "exports.x = 1;" },
    };
    const log = await registryWith([scoped]);
    await submitBody({
      files: {
        "index.ts": unique(
          `import { x } from "@tiny/shout";\nexport default { fetch() { return new Response(String(x)) } };`,
        ),
        "package.json": JSON.stringify({ dependencies: { "@tiny/shout": "0.1.0" } }),
      },
    });
    expect(log.requests[0]?.url).toBe(`${REGISTRY}/@tiny%2Fshout`);
    expect(log.elsewhere()).toEqual([]);
  });

  it("answers 422 dependency_unavailable for a version the registry does not have", async () => {
    const log = await registryWith([WORDS]);
    const error = await expectError(
      await submitFiles(withDependencies({ "tiny-words": "^9.0.0" })),
      422,
      "dependency_unavailable",
    );
    expect(error).toMatchObject({ package: "tiny-words" });
    expect(error.message).toContain("^9.0.0");
    expect(log.registry()).toBe(1);
  });
});

describe("npm dependencies: an attacker's findings", () => {
  it("refuses 1,000 dependencies before asking the registry anything", async () => {
    const log = await registryWith([]);
    const dependencies = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`pkg-${i}`, "^1.0.0"]));
    const error = await expectError(await submitFiles(withDependencies(dependencies)), 422, "too_many_dependencies");
    expect(error).toMatchObject({ limit: "packages", max: DEPENDENCY_LIMITS.packages });
    expect(error.package).toMatch(/^pkg-\d+$/);
    expect(log.requests.length).toBeLessThanOrEqual(DEPENDENCY_LIMITS.packages);
    expect(log.requests).toEqual([]);
  });

  it("refuses a package whose metadata fans out to 1,000 dependencies, after one request", async () => {
    const fanout = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`dep-${i}`, "1.0.0"]));
    const log = await registryWith([{ name: "fan-out", version: "1.0.0", dependencies: fanout, files: {} }]);
    const error = await expectError(
      await submitFiles(withDependencies({ "fan-out": "1.0.0" })),
      422,
      "too_many_dependencies",
    );
    expect(error).toMatchObject({ limit: "packages", requiredBy: "fan-out" });
    expect(log.requests.map((request) => request.url)).toEqual([`${REGISTRY}/fan-out`]);
  });

  it("refuses a chain of dependencies longer than the package limit, with at most two requests a package", async () => {
    const chain: FakePackage[] = Array.from({ length: 60 }, (_, i) => ({
      name: `link-${i}`,
      version: "1.0.0",
      dependencies: { [`link-${i + 1}`]: "1.0.0" },
      files: { "package.json": "{}" },
    }));
    const log = await registryWith(chain);
    const error = await expectError(
      await submitFiles(withDependencies({ "link-0": "1.0.0" })),
      422,
      "too_many_dependencies",
    );
    expect(error.package).toBe(`link-${DEPENDENCY_LIMITS.packages}`);
    expect(log.registry()).toBeLessThanOrEqual(2 * DEPENDENCY_LIMITS.packages);
    expect(log.elsewhere()).toEqual([]);
  });

  it("refuses names that walk the registry's path, before any request", async () => {
    const log = await registryWith([]);
    const hostile = [
      "../../x",
      "..",
      ".",
      "%2e%2e",
      "%2e%2e/x",
      "..%2fx",
      "a/b",
      "a/../b",
      "@scope/../x",
      "@../x",
      "@./x",
      "@scope/a/b",
      "/etc/passwd",
      "\\..\\x",
      "x?y=1",
      "x#frag",
      "http://127.0.0.1:9/x",
      "node_modules",
      "favicon.ico",
      "_private",
      " space",
      "",
      "a".repeat(215),
      "ünïcode",
      "__proto__",
    ];
    for (const name of hostile) {
      const error = await expectError(
        await submitFiles(withDependencies({ [name]: "^1.0.0" })),
        422,
        "dependency_rejected",
      );
      expect(error.package, name).toBe(name);
    }
    expect(log.requests).toEqual([]);
  });

  it("refuses version specifiers a registry does not resolve (URLs, git, file:, link:, workspace:, npm:)", async () => {
    const log = await registryWith([WORDS]);
    const specs = [
      "http://127.0.0.1:9/x.tgz",
      "https://registry.test/tiny-words/-/tiny-words-2.1.0.tgz",
      "git+https://github.com/a/b.git",
      "git://github.com/a/b",
      "github:a/b",
      "a/b",
      "file:../../etc",
      "link:..",
      "workspace:*",
      "npm:tiny-words@2.1.0",
      "../tiny-words",
      "~/x",
    ];
    for (const spec of specs) {
      const error = await expectError(
        await submitFiles(withDependencies({ "tiny-words": spec })),
        422,
        "dependency_rejected",
      );
      expect(error, spec).toMatchObject({ package: "tiny-words", version: spec });
    }
    const notText = await expectError(
      await submitFiles(withDependencies({ "tiny-words": { url: "x" } })),
      422,
      "dependency_rejected",
    );
    expect(notText.package).toBe("tiny-words");
    expect(log.requests).toEqual([]);
  });

  it("refuses a hostile name or specifier in a dependency's metadata without asking for it", async () => {
    for (const dependencies of [{ "../../admin": "1.0.0" }, { fine: "file:/etc/passwd" }, ["array-of-names"]]) {
      vi.restoreAllMocks();
      const log = await registryWith([{ name: "sneaky", version: "1.0.0", dependencies, files: {} }]);
      const error = await expectError(
        await submitFiles(withDependencies({ sneaky: "1.0.0" })),
        422,
        "dependency_rejected",
      );
      expect(error.requiredBy ?? error.package).toBe("sneaky");
      expect(log.requests.map((request) => request.url)).toEqual([`${REGISTRY}/sneaky`]);
    }
  });

  it("never fetches a tarball that metadata puts on another host, scheme, port or with credentials", async () => {
    for (const tarball of [
      "http://127.0.0.1:9/x.tgz",
      "http://registry.test/tiny-words/-/tiny-words-2.1.0.tgz",
      "https://registry.test:8443/tiny-words/-/tiny-words-2.1.0.tgz",
      "https://user:secret@registry.test/tiny-words/-/tiny-words-2.1.0.tgz",
      "https://registry.test.evil.example/x.tgz",
      "file:///etc/passwd",
      "/relative/x.tgz",
    ]) {
      vi.restoreAllMocks();
      const log = await registryWith([{ ...WORDS, tarball }]);
      const error = await expectError(
        await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
        422,
        "dependency_rejected",
      );
      expect(error, tarball).toMatchObject({ package: "tiny-words" });
      expect(log.requests.map((request) => request.url)).toEqual([`${REGISTRY}/tiny-words`]);
    }
  });

  it("stops a gzip bomb near the unpacked limit, quickly, without reading the rest", async () => {
    // Zeros in a file the installer skips (only the count of what gunzip makes can stop it), then in a
    // code file, whose declared size alone is over the limit.
    for (const path of ["package/zeros.bin", "package/index.js"]) {
      vi.restoreAllMocks();
      const bomb = await gzipBomb(100 * 1024 * 1024, path);
      expect(bomb.length).toBeLessThan(200 * 1024);
      const pulled: Pulled = { bytes: 0, cancelled: false };
      const log = await registryWith([{ ...WORDS, files: {} }], (url) =>
        url.pathname === tarballPath("tiny-words", "2.1.0") ? new Response(countedBody(bomb, pulled)) : null,
      );
      const started = Date.now();
      const error = await expectError(
        await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
        422,
        "dependency_too_large",
      );
      expect(Date.now() - started, path).toBeLessThan(5_000);
      expect(error).toMatchObject({
        package: "tiny-words",
        limit: "unpackedBytes",
        max: DEPENDENCY_LIMITS.unpackedBytes,
      });
      // 20 MiB of 100 unpacked is a fifth of the bomb: reading stopped there, and the body was cancelled.
      expect(pulled.bytes, path).toBeLessThan(bomb.length * 0.25);
      expect(pulled.cancelled).toBe(true);
      expect(log.elsewhere()).toEqual([]);
    }
  });

  it("stops a tarball over the compressed limit as it passes it", async () => {
    const big = await incompressibleTgz(DEPENDENCY_LIMITS.compressedBytes + 512 * 1024);
    const pulled: Pulled = { bytes: 0, cancelled: false };
    await registryWith([{ ...WORDS, files: {} }], (url) =>
      url.pathname === tarballPath("tiny-words", "2.1.0") ? new Response(countedBody(big, pulled, 64 * 1024)) : null,
    );
    const error = await expectError(
      await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
      422,
      "dependency_too_large",
    );
    expect(error).toMatchObject({ package: "tiny-words", limit: "compressedBytes" });
    // The limit passed within the chunk that crossed it (give or take a chunk read ahead).
    expect(pulled.bytes).toBeLessThanOrEqual(DEPENDENCY_LIMITS.compressedBytes + 3 * 64 * 1024);
    expect(pulled.cancelled).toBe(true);
  });

  it("refuses a tarball whose content-length is over the limit without reading it", async () => {
    const pulled: Pulled = { bytes: 0, cancelled: false };
    await registryWith([{ ...WORDS, files: {} }], (url) =>
      url.pathname === tarballPath("tiny-words", "2.1.0")
        ? new Response(countedBody(new Uint8Array(1024), pulled), {
            headers: { "content-length": String(DEPENDENCY_LIMITS.compressedBytes + 1) },
          })
        : null,
    );
    const error = await expectError(
      await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
      422,
      "dependency_too_large",
    );
    expect(error).toMatchObject({ package: "tiny-words", limit: "compressedBytes" });
    expect(pulled.bytes).toBe(0);
  });

  it("stops metadata over its limit as it streams", async () => {
    const pulled: Pulled = { bytes: 0, cancelled: false };
    // A document of whitespace and more whitespace: 40 MiB of it, never held.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (sent >= 40 * 1024 * 1024) return controller.close();
          sent += 1024 * 1024;
          pulled.bytes = sent;
          controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
        },
        cancel() {
          pulled.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    await registryWith([], (url) => (packageOf(url) === "huge-doc" ? new Response(endless) : null));
    const error = await expectError(
      await submitFiles(withDependencies({ "huge-doc": "1.0.0" })),
      422,
      "dependency_too_large",
    );
    expect(error).toMatchObject({ package: "huge-doc", limit: "metadataBytes" });
    expect(pulled.bytes).toBeLessThanOrEqual(DEPENDENCY_LIMITS.metadataBytes + 2 * 1024 * 1024);
    expect(pulled.cancelled).toBe(true);
  });

  it("never follows a redirect, from metadata or tarball, and names the package", async () => {
    for (const redirected of ["/tiny-words", tarballPath("tiny-words", "2.1.0")]) {
      vi.restoreAllMocks();
      const log = await registryWith([WORDS], (url) =>
        url.pathname === redirected
          ? new Response(null, { status: 302, headers: { location: "http://127.0.0.1:9/x.tgz" } })
          : null,
      );
      const error = await expectError(
        await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
        422,
        "dependency_unavailable",
      );
      expect(error).toMatchObject({ package: "tiny-words", status: 302 });
      expect(error.message).toMatch(/redirect/);
      expect(log.elsewhere()).toEqual([]);
      for (const request of log.requests) expect(request.init?.redirect).toBe("manual");
    }
  });

  it("refuses a tarball with an entry that walks out of its package", async () => {
    for (const path of ["package/../../src/index.ts", "package/../tiny-greet/index.js", "/abs.js"]) {
      vi.restoreAllMocks();
      const evil = await gzip(
        new Uint8Array([...tarHeader(path, 2), ...new TextEncoder().encode("{}"), ...new Uint8Array(510 + 1024)]),
      );
      await registryWith([{ ...WORDS, files: {} }], (url) =>
        url.pathname === tarballPath("tiny-words", "2.1.0") ? new Response(evil) : null,
      );
      const error = await expectError(
        await submitFiles(withDependencies({ "tiny-words": "^2.0.0" })),
        422,
        "dependency_rejected",
      );
      expect(error, path).toMatchObject({ package: "tiny-words" });
    }
  });

  it("refuses a tarball that is not gzip, and metadata that is not a registry document", async () => {
    await registryWith([], (url) => {
      if (packageOf(url) === "not-json") return new Response("<html>hello</html>");
      if (packageOf(url) === "no-versions") return Response.json({ name: "no-versions", versions: "none" });
      if (packageOf(url) === "not-gzip") return Response.json(packument({ name: "not-gzip", version: "1.0.0" }));
      if (url.pathname === tarballPath("not-gzip", "1.0.0")) return new Response(tar({ "index.js": "1" }));
      return null;
    });
    for (const name of ["not-json", "no-versions", "not-gzip"]) {
      const error = await expectError(
        await submitFiles(withDependencies({ [name]: "1.0.0" })),
        422,
        "dependency_rejected",
      );
      expect(error.package).toBe(name);
    }
  });

  it("stops an install that runs past its time limit, naming the package it waited for", async () => {
    // The registry accepts the request and never answers.
    const log = serveRegistry(() => new Promise<Response>(() => {}));
    const started = Date.now();
    const error = await installDependencies(
      { "package.json": JSON.stringify({ dependencies: { "slow-pkg": "1.0.0" } }) },
      { registry: REGISTRY, limits: { ...DEPENDENCY_LIMITS, timeMs: 300 } },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("dependency_timeout");
    expect((error as ApiError).details).toMatchObject({ package: "slow-pkg", limit: "timeMs", max: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(log.registry()).toBe(1);
  });

  it("stops a registry that answers, then trickles its body forever", async () => {
    serveRegistry(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"name":'));
            },
          }),
        ),
    );
    const error = await installDependencies(
      { "package.json": JSON.stringify({ dependencies: { trickle: "1.0.0" } }) },
      { registry: REGISTRY, limits: { ...DEPENDENCY_LIMITS, timeMs: 300 } },
    ).catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe("dependency_timeout");
    expect((error as ApiError).details).toMatchObject({ package: "trickle" });
  });

  it("refuses random hostile package names before any request (property)", async () => {
    const log = await registryWith([]);
    const plain = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
    // Each makes a name npm refuses: a character outside its URL-safe set, a leading dot or underscore,
    // a path's slashes, or an escape that a server might decode into one.
    const poison = fc.constantFrom(
      "/",
      "../",
      "/..",
      "%2e",
      "%2f",
      "%2F",
      "\\",
      " ",
      "\n",
      "\0",
      "?",
      "#",
      ":",
      "é",
      "%",
    );
    const hostileName = fc.oneof(
      fc.tuple(plain, poison, plain).map(([a, p, b]) => `${a}${p}${b}`),
      fc.tuple(fc.constantFrom(".", "_", "..", "./", "@../", "@./", "@%2e/"), plain).map(([p, b]) => `${p}${b}`),
      fc.tuple(plain, plain, plain).map(([a, b, c]) => `@${a}/${b}/${c}`),
    );
    await fc.assert(
      fc.asyncProperty(hostileName, async (name) => {
        const response = await submitFiles(withDependencies({ [name]: "^1.0.0" }));
        const error = await expectError(response, 422, "dependency_rejected");
        expect(error.package).toBe(name);
      }),
      { numRuns: 40 },
    );
    expect(log.requests).toEqual([]);
  });
});
