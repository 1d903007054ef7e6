import validRange from "semver/ranges/valid";
import validatePackageName from "validate-npm-package-name";
import { ApiError } from "../base/errors";

/**
 * What a package name may be before we ask a registry for it: npm's own rules (validate-npm-package-name,
 * as for packages published before the rules tightened, so JSONStream still installs), and then only
 * npm's URL-safe characters with at most one `@scope/`. The second rule shuts what the first lets
 * through that a path could use: `@../x` and `@.x/y` are valid to npm's validator.
 */
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9_~-][a-z0-9._~-]*$/i;
const MAX_NAME_LENGTH = 214;

/** A dist-tag (`latest`, `next`, `beta`): a word, never a path or a URL. */
const DIST_TAG = /^[a-z][a-z0-9._-]{0,63}$/i;
const MAX_SPEC_LENGTH = 256;

/** Why `name` is no npm package name, or null when it is one. */
export function packageNameProblem(name: string): string | null {
  if (name.length === 0) return "a package name cannot be empty";
  if (name.length > MAX_NAME_LENGTH) return `a package name has at most ${MAX_NAME_LENGTH} characters`;
  const verdict = validatePackageName(name);
  if (!verdict.validForOldPackages) return verdict.errors[0] ?? "not a valid npm package name";
  if (!NAME.test(name)) return "a package name has letters, digits and - . _ ~ only, with at most one @scope/";
  return null;
}

/**
 * Why `spec` is no version a registry resolves, or null when it is one: a semver range (`^1.2.0`,
 * `1.x`, `*`, an exact version) or a dist-tag. URLs, git, `file:`, `link:`, `workspace:` and `npm:`
 * aliases would each fetch from somewhere else, or read our disk: they are refused.
 */
export function versionSpecProblem(spec: string): string | null {
  if (spec.length > MAX_SPEC_LENGTH) return `a version has at most ${MAX_SPEC_LENGTH} characters`;
  if (DIST_TAG.test(spec) || validRange(spec) !== null) return null;
  return "only semver ranges and dist-tags are installed (not URLs, git, file:, link:, workspace: or npm: aliases)";
}

/**
 * Checks one dependency (a name and the version asked for, as package.json or a registry document
 * gives them) before anything is asked of the registry: a 422 dependency_rejected naming it otherwise.
 */
export function checkDependency(name: string, spec: unknown, requiredBy?: string): string {
  const by = requiredBy ? { requiredBy } : {};
  const where = requiredBy ? `${requiredBy} depends on` : "package.json names";
  const nameProblem = packageNameProblem(name);
  if (nameProblem) {
    throw new ApiError(
      "dependency_rejected",
      `${where} ${JSON.stringify(name)}, which is not installed: ${nameProblem}.`,
      {
        package: name,
        ...by,
        reason: "name",
      },
    );
  }
  if (typeof spec !== "string") {
    throw new ApiError("dependency_rejected", `${where} ${name} with a version that is not a string.`, {
      package: name,
      ...by,
      reason: "version",
    });
  }
  const specProblem = versionSpecProblem(spec);
  if (specProblem) {
    throw new ApiError(
      "dependency_rejected",
      `${where} ${name} at ${JSON.stringify(spec)}, which is not installed: ${specProblem}.`,
      { package: name, version: spec, ...by, reason: "version" },
    );
  }
  return spec;
}

/** The registry's URL for a package's document: `/name`, or `/@scope%2Fname` as npm asks for scoped ones. */
export function metadataUrl(registry: URL, name: string): URL {
  const path = name.startsWith("@") ? `@${encodeURIComponent(name.slice(1))}` : name;
  const url = new URL(`${registry.href.replace(/\/+$/, "")}/${path}`);
  // Checked names cannot leave the registry, but this is where it would show: never ask elsewhere.
  if (url.origin !== registry.origin) throw new ApiError("internal_error", `${name} resolved outside the registry.`);
  return url;
}

/**
 * The registry as the operator set it (NPM_REGISTRY): an http(s) URL, with no credentials in it.
 * Only its origin is ever fetched.
 */
export function registryUrl(registry: string): URL {
  let url: URL;
  try {
    url = new URL(registry);
  } catch {
    throw new ApiError("internal_error", `NPM_REGISTRY is not a URL: ${JSON.stringify(registry)}.`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.search) {
    throw new ApiError("internal_error", "NPM_REGISTRY must be an http(s) URL without credentials or query.");
  }
  return url;
}

/**
 * Why a tarball URL from a registry document may not be fetched, or null when it may: it must be an
 * absolute URL on the registry's own origin (scheme, host and port), without credentials.
 */
export function tarballUrlProblem(registry: URL, tarball: unknown): string | null {
  if (typeof tarball !== "string") return "its metadata names no tarball";
  let url: URL;
  try {
    url = new URL(tarball);
  } catch {
    return `its tarball ${JSON.stringify(tarball.slice(0, 200))} is not an absolute URL`;
  }
  if (url.origin !== registry.origin || url.username || url.password) {
    return `its tarball is on ${url.protocol}//${url.host}, not on the registry (${registry.origin}); only the registry is asked`;
  }
  return null;
}
