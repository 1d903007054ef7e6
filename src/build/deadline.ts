/** Why a deadline's waits stopped: the time ran out, or the install failed elsewhere and was called off. */
export class DeadlinePassed extends Error {
  override readonly name = "DeadlinePassed";
}
export class CalledOff extends Error {
  override readonly name = "CalledOff";
}

/**
 * One wall-clock bound over many awaits (requests, body reads): every wait raced against it ends the
 * moment it passes, or the moment the work is called off, and requests given its `signal` are aborted
 * too. Nothing here waits on a request that ignores its signal.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #ended: Promise<never>;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(readonly ms: number) {
    this.#ended = new Promise<never>((_, reject) => {
      this.#controller.signal.addEventListener("abort", () => reject(this.#controller.signal.reason), { once: true });
    });
    this.#ended.catch(() => {}); // raced, never awaited on its own
    this.#timer = setTimeout(() => this.#controller.abort(new DeadlinePassed(`${ms} ms passed`)), ms);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `work`, or the deadline's reason if it passes (or is called off) first. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.#controller.signal.aborted) return Promise.reject(this.#controller.signal.reason);
    return Promise.race([work, this.#ended]);
  }

  /** Ends every wait still raced, e.g. when one part of the work failed and the rest is moot. */
  callOff(): void {
    this.stop();
    if (!this.#controller.signal.aborted) this.#controller.abort(new CalledOff("called off"));
  }

  /** The work is over: the timer goes. */
  stop(): void {
    clearTimeout(this.#timer);
  }
}
