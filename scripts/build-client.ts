// The playground's browser code and styles, built into public/assets and served by the assets
// binding. `bun run build` (and dev, test, deploy before them) runs this file; bun dev watches it.
import { type BuildOptions, build } from "esbuild";

export const clientBuild: BuildOptions = {
  entryPoints: ["src/client/app.ts", "src/client/app.css"],
  outdir: "public/assets",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning",
};

if (import.meta.main) await build(clientBuild);
