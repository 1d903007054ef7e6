import { LANES_PATH, type LaneName, type LaneRoutes } from "../../src/local/protocol.ts";
import { log } from "./lane.ts";
import { MAX_RECORDS } from "./limits.ts";
import type { AppRoute } from "./records.ts";

/** How long a table that did not reach the app waits before it goes again, whole. */
const RETRY_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The app's table of where runs go (src/local/direct-routes.ts), kept up to date from here: the lanes'
 * serving runtimes, whole each time, and the programs whose route changed since the last table. One
 * table is on its way at a time, and changes meanwhile go in the next, so the app applies them in
 * order. Nothing goes before the app asks for a table (it starts after the supervisor, and asks while
 * it has none: at its start and after a restart). A table that does not arrive goes again, whole.
 */
export class RoutesToApp {
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #lanes: () => Record<LaneName, string | null>;
  /** Every program's route that is not probation: what a whole table holds. */
  readonly #routes = new Map<string, Exclude<AppRoute, null>>();
  readonly #changed = new Map<string, AppRoute>();
  #full = false;
  #dirty = false;
  #sending = false;
  #stopped = false;
  /** The app asked for a table: until then it is not listening (it starts after the supervisor). */
  #asked = false;
  #failing = false;
  /** Counts changes; each waiting caller of `lanesChanged` with the count of its change. */
  #changes = 0;
  #deliveries: { readonly change: number; readonly resolve: () => void }[] = [];

  constructor(appUrl: string, headers: Record<string, string>, lanes: () => Record<LaneName, string | null>) {
    this.#url = new URL(LANES_PATH, appUrl);
    this.#headers = headers;
    this.#lanes = lanes;
  }

  /** The program's runs go this way from now on. */
  program(hash: string, route: AppRoute) {
    if ((this.#routes.get(hash) ?? null) === route) return;
    this.#routes.delete(hash);
    if (route !== null) this.#routes.set(hash, route);
    this.#changed.set(hash, route);
    // As many as the supervisor remembers: the least recently changed goes back to probation.
    for (const [oldest] of this.#routes) {
      if (this.#routes.size <= MAX_RECORDS) break;
      this.#routes.delete(oldest);
      this.#changed.set(oldest, null);
    }
    this.#send();
  }

  /**
   * A lane's serving runtime changed. Resolves once the app has accepted a table with the change (or
   * the supervisor stops): from then on it sends no run to a runtime that table no longer names.
   */
  lanesChanged(): Promise<void> {
    this.#send();
    const change = this.#changes;
    return new Promise((resolve) => this.#deliveries.push({ change, resolve }));
  }

  /** The app has no table: the next one is whole. */
  wanted() {
    this.#asked = true;
    this.#full = true;
    this.#send();
  }

  stop() {
    this.#stopped = true;
    this.#deliveredUpTo(Number.POSITIVE_INFINITY);
  }

  /** The app accepted a table holding every change up to `change` (tables go one at a time, in order). */
  #deliveredUpTo(change: number) {
    const waiting = this.#deliveries;
    this.#deliveries = waiting.filter((delivery) => delivery.change > change);
    for (const delivery of waiting) if (delivery.change <= change) delivery.resolve();
  }

  #send() {
    this.#changes++;
    this.#dirty = true;
    if (this.#sending || !this.#asked) return;
    this.#sending = true;
    void (async () => {
      while (this.#dirty && !this.#stopped) {
        this.#dirty = false;
        const change = this.#changes;
        const full = this.#full;
        const programs = full ? [...this.#routes] : [...this.#changed];
        this.#full = false;
        this.#changed.clear();
        const table: LaneRoutes = { full, lanes: this.#lanes(), programs };

        try {
          const answer = await fetch(this.#url, {
            method: "POST",
            headers: { "content-type": "application/json", ...this.#headers },
            body: JSON.stringify(table),
            redirect: "manual",
          });
          await answer.body?.cancel();
          if (!answer.ok) throw new Error(`the app answered ${answer.status}`);
          this.#failing = false;
          this.#deliveredUpTo(change);
        } catch (error) {
          if (this.#stopped) break;
          if (!this.#failing) log(`the table of lanes did not reach the app: ${(error as Error).message}`);
          this.#failing = true;
          // Whatever the app had may be gone (it restarted): the next table is whole.
          this.#full = true;
          this.#dirty = true;
          await sleep(RETRY_MS);
        }
      }
      this.#sending = false;
    })();
  }
}
