import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";
import { hasChromium } from "../support/node/chromium.ts";

const run = promisify(execFile);

describe.skipIf(!hasChromium)("the page benchmark", () => {
  it("measures every budget once on a tiny size and says met or not, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/page.ts", "--tiny"], { cwd: ROOT, env: process.env });
    for (const measure of [
      "first paint",
      "editor ready",
      "gzipped JS before first paint",
      "assets compressed",
      "assets cacheable \\(hashed, immutable\\)",
      "Run-to-output, warm program \\(p50\\)",
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\| ${measure} \\| [^|]+ \\| [^|]+ \\| (met|NOT met) \\|$`, "m"));
    }
    // Whether a time is met is for the full run on a quiet machine; how the assets are served is not.
    expect(stdout).toMatch(/^\| assets compressed \| yes \| yes \| met \|$/m);
    expect(stdout).toMatch(/^\| assets cacheable \(hashed, immutable\) \| yes \| yes \| met \|$/m);
    expect(stdout).toMatch(/^language service ready \(no budget; it loads after the first paint\): \d+ ms$/m);
  });
});
