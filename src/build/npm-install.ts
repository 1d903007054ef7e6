import satisfies from "semver/functions/satisfies";
import valid from "semver/functions/valid";
import maxSatisfying from "semver/ranges/max-satisfying";
import validRange from "semver/ranges/valid";
import { ApiError } from "../base/errors";
import { DEPENDENCY_FETCH_CONCURRENCY, DEPENDENCY_LIMITS, type DependencyLimits } from "../config/limits";
import { ByteBudget, countedChunks } from "./byte-budget";
import { CalledOff, Deadline, DeadlinePassed } from "./deadline";
import { checkDependency, metadataUrl, registryUrl, tarballUrlProblem } from "./npm-names";
import { unpackTarball } from "./tarball";

/**
 * Our own npm installer, so that @cloudflare/worker-bundler installs nothing itself (its installer
 * fetches whatever URL a registry document names, follows redirects, counts nothing and buffers whole
 * tarballs). Packages are laid out flat as the bundler lays them, `node_modules/<name>/…`, one version
 * a name, the first asked for winning; the bundler then finds every dependency already there.
 *
 * What holds, whatever package.json or the registry's documents say:
 * - only the registry's origin is asked (a tarball URL elsewhere is refused, never fetched), and a
 *   redirect is never followed;
 * - every name and version is checked (npm's naming rules, semver ranges and dist-tags) before a request;
 * - DEPENDENCY_LIMITS bound the packages, the metadata, compressed and unpacked bytes (counted as they
 *   stream, over the whole install) and the wall time. The first limit passed stops the whole install.
 */

const ACCEPT_METADATA = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

export interface InstallOptions {
  /** The registry, as NPM_REGISTRY names it. */
  readonly registry: string;
  readonly limits?: DependencyLimits;
  /** Requests in flight at once. */
  readonly concurrency?: number;
}

/** A dependency to install: its name, the version asked for, and which package asked (none: package.json). */
interface Wanted {
  readonly name: string;
  readonly spec: string;
  readonly requiredBy?: string;
}

/** A dependency whose version is chosen: where its tarball is, and what it depends on. */
interface Resolved extends Wanted {
  readonly version: string;
  readonly tarball: URL;
  readonly dependencies: readonly (readonly [string, string])[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function own(record: Json, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * The files of every npm package the `dependencies` of package.json (among `files`) need, transitive
 * ones included, as `node_modules/<name>/<path>`. Packages already among the files (their
 * `node_modules/<name>/package.json`) are left as they are. Throws a 422 naming the package otherwise.
 */
export async function installDependencies(
  files: Readonly<Record<string, string>>,
  options: InstallOptions,
): Promise<Record<string, string>> {
  const provided = (name: string) => Object.hasOwn(files, `node_modules/${name}/package.json`);
  const direct = directDependencies(files).filter((wanted) => !provided(wanted.name));
  if (direct.length === 0) return {};
  const limits = options.limits ?? DEPENDENCY_LIMITS;
  const registry = registryUrl(options.registry);
  const seen = new Set<string>();
  for (const wanted of direct) {
    seen.add(wanted.name);
    if (seen.size > limits.packages) throw tooMany(wanted, limits.packages);
  }
  const install = new Install(registry, limits); // its deadline starts now
  try {
    // Level by level: the documents of one level, then (while the next level's documents come) its
    // tarballs. Names are counted in the order package.json and the documents list them, so which
    // version of a name wins never depends on which answer came first.
    let level: readonly Wanted[] = direct;
    let unpacking: readonly Resolved[] = [];
    while (level.length > 0 || unpacking.length > 0) {
      const resolving = level.map((wanted) => () => install.resolve(wanted));
      const fetching = unpacking.map((resolved) => async () => void (await install.unpack(resolved)));
      const results = await install.all(
        [...resolving, ...fetching],
        options.concurrency ?? DEPENDENCY_FETCH_CONCURRENCY,
      );
      const resolved = results.slice(0, level.length) as Resolved[];
      const next: Wanted[] = [];
      for (const parent of resolved) {
        for (const [name, spec] of parent.dependencies) {
          if (seen.has(name) || provided(name)) continue;
          seen.add(name);
          const wanted = { name, spec, requiredBy: parent.name };
          if (seen.size > limits.packages) throw tooMany(wanted, limits.packages);
          next.push(wanted);
        }
      }
      unpacking = resolved;
      level = next;
    }
  } finally {
    install.deadline.callOff();
  }
  return install.files;
}

/** The dependencies package.json names, each checked. A package.json that is not JSON installs nothing (as the bundler). */
function directDependencies(files: Readonly<Record<string, string>>): Wanted[] {
  const text = own(files, "package.json");
  if (typeof text !== "string") return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(manifest)) return [];
  const dependencies = own(manifest, "dependencies");
  if (dependencies === undefined || dependencies === null) return [];
  if (!isObject(dependencies)) {
    throw new ApiError(
      "dependency_rejected",
      "The dependencies of package.json must be an object of names and versions.",
      {
        reason: "manifest",
      },
    );
  }
  return Object.entries(dependencies).map(([name, spec]) => ({ name, spec: checkDependency(name, spec) }));
}

function tooMany(wanted: Wanted, max: number): ApiError {
  const by = wanted.requiredBy ? ` (a dependency of ${wanted.requiredBy})` : "";
  return new ApiError(
    "too_many_dependencies",
    `Installing ${wanted.name}${by} would make more than ${max} npm packages, transitive ones included: the most one program may have.`,
    { package: wanted.name, ...(wanted.requiredBy ? { requiredBy: wanted.requiredBy } : {}), limit: "packages", max },
  );
}

function unavailable(pkg: string, why: string, details: Json = {}): ApiError {
  return new ApiError("dependency_unavailable", `The npm package ${pkg} could not be installed: ${why}.`, {
    package: pkg,
    ...details,
  });
}

function rejected(pkg: string, why: string, details: Json = {}): ApiError {
  return new ApiError("dependency_rejected", `The npm package ${pkg} is not installed: ${why}.`, {
    package: pkg,
    ...details,
  });
}

/**
 * The version of a document that `spec` picks, as npm picks it: an exact version or dist-tag as named;
 * for a range, `latest` when it satisfies the range, else the highest version that does.
 */
export function pickVersion(document: Json, spec: string): string | undefined {
  const versions = own(document, "versions");
  if (!isObject(versions)) return undefined;
  const tagsField = own(document, "dist-tags");
  const tags = isObject(tagsField) ? tagsField : {};
  const known = (version: unknown): version is string =>
    typeof version === "string" && Object.hasOwn(versions, version) && valid(version) !== null;
  const latest = own(tags, "latest");
  if (spec === "" || spec === "*" || spec === "latest") return known(latest) ? latest : undefined;
  if (known(spec)) return spec;
  const tagged = own(tags, spec);
  if (tagged !== undefined) return known(tagged) ? tagged : undefined;
  const range = validRange(spec);
  if (range === null) return undefined;
  if (known(latest) && satisfies(latest, range)) return latest;
  return maxSatisfying(Object.keys(versions).filter(known), range) ?? undefined;
}

/** One install's state: its budgets, its deadline and what it has written. */
class Install {
  readonly files: Record<string, string> = {};
  readonly deadline: Deadline;
  readonly #metadata: ByteBudget;
  readonly #compressed: ByteBudget;
  readonly #unpacked: ByteBudget;

  constructor(
    readonly registry: URL,
    readonly limits: DependencyLimits,
  ) {
    this.deadline = new Deadline(limits.timeMs);
    this.#metadata = new ByteBudget("metadataBytes", limits.metadataBytes);
    this.#compressed = new ByteBudget("compressedBytes", limits.compressedBytes);
    this.#unpacked = new ByteBudget("unpackedBytes", limits.unpackedBytes);
  }

  /**
   * Runs `tasks`, at most `width` at a time, in order. The first to fail calls the rest off (their
   * requests aborted, no new one started) and is the install's answer.
   */
  async all<T>(tasks: readonly (() => Promise<T>)[], width: number): Promise<T[]> {
    const results: T[] = [];
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < tasks.length) {
        const index = next++;
        const task = tasks[index];
        if (!task) continue;
        try {
          results[index] = await task();
        } catch (error) {
          failed = true;
          this.deadline.callOff();
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
    return results;
  }

  /** A package's document, and the version, tarball and dependencies `wanted.spec` picks in it. */
  resolve(wanted: Wanted): Promise<Resolved> {
    return this.#guard(wanted.name, async () => {
      const { name, spec } = wanted;
      const response = await this.#get(metadataUrl(this.registry, name), name, ACCEPT_METADATA);
      const body = await refuseDeclaredOver(response, this.#metadata, name);
      let text = "";
      if (body) {
        const decoder = new TextDecoder();
        for await (const chunk of countedChunks(body, this.#metadata, name, this.deadline)) {
          text += decoder.decode(chunk, { stream: true });
        }
        text += decoder.decode();
      }
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw rejected(name, "the registry's document for it is not JSON", { reason: "metadata" });
      }
      if (!isObject(document) || !isObject(own(document, "versions"))) {
        throw rejected(name, "the registry's document for it has no versions", { reason: "metadata" });
      }
      const version = pickVersion(document, spec);
      const manifest = version === undefined ? undefined : own(own(document, "versions") as Json, version);
      if (version === undefined || !isObject(manifest)) {
        throw unavailable(name, `no version of it matches ${JSON.stringify(spec)} on the registry`, { version: spec });
      }
      const dist = own(manifest, "dist");
      const tarball = isObject(dist) ? own(dist, "tarball") : undefined;
      const problem = tarballUrlProblem(this.registry, tarball);
      if (problem) throw rejected(name, problem, { version, reason: "tarball" });
      const declared = own(manifest, "dependencies") ?? {};
      if (!isObject(declared)) {
        throw rejected(name, "its dependencies in the registry's document are not an object", { reason: "metadata" });
      }
      const dependencies = Object.entries(declared).map(
        ([child, childSpec]) => [child, checkDependency(child, childSpec, name)] as const,
      );
      return { ...wanted, version, tarball: new URL(tarball as string), dependencies };
    });
  }

  /** Fetches and unpacks a resolved package into `files`, as node_modules/<name>/…. */
  unpack(resolved: Resolved): Promise<void> {
    return this.#guard(resolved.name, async () => {
      const { name, version } = resolved;
      const response = await this.#get(resolved.tarball, name);
      const body = await refuseDeclaredOver(response, this.#compressed, name);
      if (!body) throw rejected(name, "its tarball is empty", { reason: "tarball" });
      const contents = await unpackTarball(body, name, {
        compressed: this.#compressed,
        unpacked: this.#unpacked,
        deadline: this.deadline,
      });
      for (const [path, content] of contents) this.files[`node_modules/${name}/${path}`] = content;
      // The bundler skips a package only when it finds its package.json: there always is one.
      const manifest = `node_modules/${name}/package.json`;
      if (!Object.hasOwn(this.files, manifest)) this.files[manifest] = JSON.stringify({ name, version });
    });
  }

  /** A GET of the registry: never a redirect followed, only a 2xx taken. */
  async #get(url: URL, pkg: string, accept?: string): Promise<Response> {
    if (url.origin !== this.registry.origin) throw rejected(pkg, `${url.origin} is not the registry`);
    const response = await this.deadline.race(
      fetch(url, { redirect: "manual", signal: this.deadline.signal, headers: accept ? { accept } : {} }),
    );
    if (response.ok) return response;
    await response.body?.cancel().catch(() => {});
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location") ?? "nowhere";
      throw unavailable(
        pkg,
        `the registry answered ${response.status}, a redirect to ${location.slice(0, 200)}, and redirects are not followed`,
        { status: response.status, reason: "redirect" },
      );
    }
    const hint = response.status === 404 ? " (no such package: check its name in package.json)" : "";
    throw unavailable(pkg, `the registry answered ${response.status} for ${url.href}${hint}`, {
      status: response.status,
    });
  }

  /** Whatever fails while installing `pkg` becomes an answer naming it (limits and refusals are already). */
  async #guard<T>(pkg: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError || error instanceof CalledOff) throw error;
      const reason = this.deadline.signal.aborted ? this.deadline.signal.reason : undefined;
      if (error instanceof DeadlinePassed || reason instanceof DeadlinePassed) {
        throw new ApiError(
          "dependency_timeout",
          `Installing the npm dependencies took longer than ${this.limits.timeMs / 1000} s; still waiting for ${pkg}.`,
          { package: pkg, limit: "timeMs", max: this.limits.timeMs },
        );
      }
      if (reason instanceof CalledOff) throw reason;
      throw unavailable(
        pkg,
        `the registry could not be reached (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

/** The body of `response`, unless its Content-Length is already over what `budget` has left: then refused unread. */
async function refuseDeclaredOver(
  response: Response,
  budget: ByteBudget,
  pkg: string,
): Promise<ReadableStream<Uint8Array> | null> {
  const length = Number(response.headers.get("content-length") ?? 0);
  try {
    if (Number.isSafeInteger(length)) budget.check(length, pkg);
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw error;
  }
  return response.body;
}
