// Written by scripts/build-client.ts at every build: the page's script, its style and the chunks the
// script imports at once, by their content-hashed names (served immutable). Not edited by hand.
export const ASSETS: { readonly script: string; readonly style: string; readonly preload: readonly string[] } = {
  script: "/assets/app-S43HFLBG.js",
  style: "/assets/app-46RI5WGO.css",
  preload: ["/assets/chunk-HVN4JHXM.js", "/assets/chunk-4C666HHU.js"],
};
