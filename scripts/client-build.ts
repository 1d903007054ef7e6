// The playground's browser code and styles, built into public/assets and served by the assets binding.
import type { BuildOptions } from "esbuild";

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
