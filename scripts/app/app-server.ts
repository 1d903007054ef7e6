import { WorkerdProcess } from "../workerd/process.ts";

/** A crash loop (a broken build, say) ends the line instead of restarting forever. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const READY_MS = 15_000;

/**
 * The app's workerd, kept serving: if it dies (a crash, a kill), it is started again on the same port
 * with the same config, and the line goes on (its state is on disk; the sandbox runtimes keep
 * running). `onGiveUp` is called when it cannot be kept up.
 */
export class AppServer {
  private process: WorkerdProcess;
  private stopped = false;
  /** The process being replaced on purpose (reload): its exit is not a death. */
  private replacing: WorkerdProcess | undefined;
  private readonly restarts: number[] = [];
  private readonly options: ConstructorParameters<typeof WorkerdProcess>[0];
  private readonly onGiveUp: (reason: string) => void;

  constructor(options: ConstructorParameters<typeof WorkerdProcess>[0], onGiveUp: (reason: string) => void) {
    this.options = options;
    this.onGiveUp = onGiveUp;
    this.process = this.spawn();
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  waitUntilReady(): Promise<boolean> {
    return this.process.waitUntilReady(READY_MS);
  }

  lastWords(): string {
    return this.process.lastWords();
  }

  /** Starts the app again on purpose, with what its config names now (a new bundle of the app). */
  async reload(): Promise<boolean> {
    if (this.stopped) return false;
    const old = this.process;
    this.replacing = old;
    await old.kill("stopped");
    if (this.stopped) return false;
    this.process = this.spawn();
    return this.process.waitUntilReady(READY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process.kill("stopped");
  }

  private spawn(): WorkerdProcess {
    const process = new WorkerdProcess(this.options);
    void process.exited.then(() => this.exited(process));
    return process;
  }

  private async exited(process: WorkerdProcess) {
    if (this.stopped || process !== this.process || process === this.replacing) return;
    // Ctrl-C reaches the whole process group: the app's workerd may exit a moment before the line
    // hears it and stops. Only a death the line does not follow is restarted.
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (this.stopped) return;
    const now = Date.now();
    while (this.restarts.length > 0 && now - (this.restarts[0] ?? 0) > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length >= MAX_RESTARTS) {
      return this.onGiveUp(`it died ${MAX_RESTARTS + 1} times within a minute: ${process.lastWords() || "no message"}`);
    }
    this.restarts.push(now);
    console.error(`the app server stopped (${process.lastWords() || "no message"}); starting it again`);
    this.process = this.spawn();
    if (await this.process.waitUntilReady(READY_MS)) console.log("the app server is serving again");
  }
}
