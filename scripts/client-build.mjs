// The playground's browser code and styles, built into public/assets and served by the assets binding.
/** @type {import("esbuild").BuildOptions} */
export const clientBuild = {
  entryPoints: ["src/client/app.ts", "src/client/app.css"],
  outdir: "public/assets",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning",
};
