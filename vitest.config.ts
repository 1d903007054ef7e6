import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A machine-readable summary for .ci/run, beside the usual console report.
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest.json" },
    projects: [
      {
        // Inside workerd, with the real bindings of wrangler.jsonc (Worker Loader, SQLite Durable Objects).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.jsonc" },
            // An egress policy for the tests; its upstream is mocked in the tests, never the internet.
            miniflare: {
              bindings: {
                EGRESS_ALLOW: "api.example.test",
                EGRESS_HEADERS: JSON.stringify({ "api.example.test": { authorization: "Bearer operator-secret" } }),
                // npm packages come from the tests' own registry (test/support/workerd/registry.ts).
                NPM_REGISTRY: "https://registry.test",
                // A run origin, and response limits small enough to reach in a test.
                RUN_ORIGIN: "http://127.0.0.1:8788",
                // The tests' own origin, and an https one for the cookie's Secure flag.
                PLAYGROUND_HOSTS: "localhost:8787,promptlog.example",
                RESPONSE_MAX_BYTES: String(1024 * 1024),
                RESPONSE_MAX_MS: "2000",
              },
            },
          }),
        ],
        // Unit tests sit beside the pure modules they test (src/**/*.test.ts) and run here too.
        test: { name: "worker", include: ["test/worker/**/*.test.ts", "src/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        // In Node: the README's dev line over real HTTP and in Chromium, wrangler's deploy build, the README.
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts", "test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          hookTimeout: 60_000,
          // A page's fetches to a dev line can take over a second while the whole suite shares two
          // cores (an API tokens list did in CI): a poll waits for what must come, so a long wait only
          // ever slows a failing test.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
