/**
 * What a multi-file program's paths may be, shared by the submit schema, the builder and the
 * browser's file tabs (so the page refuses what the API would): relative, forward slashes, no `..`,
 * and an extension the builder knows (code, JSON, text). No imports: the client bundles this file.
 */
export const FILE_PATH =
  /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_@.\-/]{1,200}\.(?:ts|tsx|js|mjs|jsx|json|txt|md)$/;

/** A file the loader runs as code (the others are imported as values). */
export const CODE_FILE = /\.(?:ts|tsx|js|mjs|jsx)$/;
