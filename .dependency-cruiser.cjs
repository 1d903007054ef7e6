// Import rules for Promptlog, checked by `bun run lint` (depcruise src scripts bench test).
// Every rule is an error: a cycle or an import against the layering fails the lint.
// Paths are relative to the repository root; `^src/base/` means the folder, `\.ts$` a file.

/** The stages, in the order a request passes through them. */
const STAGES = ["request", "validate", "build", "store", "sandbox", "record", "respond"];

/** Top-level wiring of src/: the worker's entry, the app and the Durable Object exports. */
const TOP = "^src/(app|index|objects)\\.ts$";

/** Local-only code (`bun dev`); every import of it from src/ is reported by the no-local-in-* rules. */
const LOCAL = "^src/local/";

/**
 * A rule that `from` may import, of src/, only the `allowed` folders (and the `alsoSkip` paths).
 * src/local is skipped here: its own rules report it, so each bad import is reported once.
 */
function onlyAllowed(name, comment, from, allowed, alsoSkip = []) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { path: "^src/", pathNot: [`^src/(${allowed.join("|")})/`, ...alsoSkip, LOCAL] },
  };
}

const stageRules = STAGES.map((stage, index) =>
  onlyAllowed(
    `stage-${stage}`,
    `src/${stage} is stage ${index + 1} of the request's path (${STAGES.join(" → ")}): it knows base, config, ` +
      `itself and the stages before it (${STAGES.slice(0, index).join(", ") || "none"}), never a later stage ` +
      "nor routes, ui, client or app-env.ts, so the layers stay a one-way pipeline.",
    `^src/${stage}/`,
    ["base", "config", ...STAGES.slice(0, index + 1)],
    [TOP], // reported by stages-not-to-top
  ),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment:
        "Modules must not form a cycle, type-only imports included (tsPreCompilationDeps): a cycle ties the " +
        "layers into one knot and makes load order fragile. Move the shared piece down a layer (e.g. src/base).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "Every import must resolve to a file or a package: one that does not is a typo or a missing package, " +
        "and it would also slip past every layering rule here.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "^cloudflare:" },
    },
    onlyAllowed(
      "base-is-the-floor",
      "src/base is the floor every other layer stands on: it imports only itself and npm packages, " +
        "so anything in src/ (and the browser bundle) can use it without pulling in more.",
      "^src/base/",
      ["base"],
    ),
    onlyAllowed(
      "config-only-base",
      "src/config holds the limits and settings every layer reads: it may use only src/base, " +
        "so reading a setting never drags in a stage.",
      "^src/config/",
      ["base", "config"],
    ),
    ...stageRules,
    {
      name: "stages-not-to-top",
      comment:
        "Stages are used by the top (app.ts, index.ts, objects.ts), never the other way round: " +
        "a stage that reaches the wiring makes a cycle through the whole worker.",
      severity: "error",
      from: { path: `^src/(${STAGES.join("|")})/` },
      to: { path: TOP },
    },
    onlyAllowed(
      "ui-only-base-config",
      "src/ui renders the page on the server from plain data: it may use only src/base, src/config and itself, " +
        "so the page does not depend on how requests are handled.",
      "^src/ui/",
      ["base", "config", "ui"],
    ),
    onlyAllowed(
      "routes-not-to-top-or-client",
      "src/routes joins the stages into endpoints: it may use the stages, base, config, ui and app-env.ts, but not " +
        "app.ts, index.ts or objects.ts (they mount the routes) nor src/client (the browser bundle).",
      "^src/routes/",
      ["base", "config", "ui", "routes", ...STAGES],
      ["^src/app-env\\.ts$"],
    ),
    onlyAllowed(
      "client-only-client-base-ui",
      "src/client is the browser bundle: it may use only itself, src/base and the page's parts in src/ui (plus npm " +
        "packages), so no worker-side code is bundled into the page's script.",
      "^src/client/",
      ["client", "base", "ui"],
    ),
    {
      name: "no-local-in-production",
      comment:
        "src/local is only for `bun dev` (local stand-ins for Cloudflare bindings): nothing else in src/ may import it, " +
        "or local-only code reaches the production bundle.",
      severity: "error",
      from: { path: "^src/", pathNot: [LOCAL, "^src/index\\.ts$"] },
      to: { path: LOCAL },
    },
    {
      name: "no-local-in-index",
      comment:
        "src/index.ts is the production worker's entry: importing src/local there ships the `bun dev` stand-ins " +
        "in place of the real bindings.",
      severity: "error",
      from: { path: "^src/index\\.ts$" },
      to: { path: LOCAL },
    },
    {
      name: "src-not-to-tooling",
      comment:
        "src/ is what ships: it must not import tests, benchmarks or scripts, which are Node tooling " +
        "and must stay out of the worker and browser bundles. Unit tests beside the modules (*.test.ts) " +
        "ship nothing and may use the shared test support.",
      severity: "error",
      from: { path: "^src/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(test|bench|scripts)/" },
    },
    {
      name: "bench-not-to-test",
      comment:
        "Benchmarks and tests share their helpers through scripts/: a benchmark importing test/ " +
        "would tie the benchmarks to the test suite's setup.",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: "^test/" },
    },
    {
      name: "scripts-not-to-test-or-bench",
      comment:
        "scripts/ is the shared tooling (dev server, builds) that tests and benchmarks build on: " +
        "it must not depend back on either of them.",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    // npm packages are never crawled (and are left out of the graph by `exclude`).
    doNotFollow: { path: ["node_modules"] },
    exclude: { path: ["(^|/)node_modules/", "^public/assets/", "^\\.wrangler/", "^worker-configuration\\.d\\.ts$"] },
    // Keep `import type` edges: a type-only cycle is still a cycle and a type-only import still crosses a layer.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // The Workers runtime's modules are built in, like node:* (which dependency-cruiser knows already).
    builtInModules: {
      add: [
        "cloudflare:workers",
        "cloudflare:sockets",
        "cloudflare:email",
        "cloudflare:node",
        "cloudflare:workflows",
        "cloudflare:test",
      ],
    },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      // src/ imports without extensions, scripts/ and bench/ with `.ts`: both resolve with these.
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
