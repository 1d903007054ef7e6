// `bun run build`: one build of the client (dev, test and deploy run it first).
import { build } from "esbuild";
import { clientBuild } from "./client-build.ts";

await build(clientBuild);
