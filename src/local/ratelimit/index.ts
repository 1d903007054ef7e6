import { WorkerEntrypoint } from "cloudflare:workers";

/**
 * bun dev's stand-in for the Workers Rate Limiting binding, with the same limit({ key }) call and
 * the limits of wrangler.jsonc: a fixed window per namespace and key, kept in memory.
 */
interface Config {
  readonly namespace: string;
  readonly limit: number;
  readonly period: number;
}

const windows = new Map<string, { start: number; count: number }>();

export class LocalRateLimit extends WorkerEntrypoint<unknown, Config> {
  async limit({ key }: { key: string }): Promise<{ success: boolean }> {
    const { namespace, limit, period } = this.ctx.props;
    const now = Date.now();
    if (windows.size > 10_000) {
      for (const [id, window] of windows) if (now - window.start >= period * 1000) windows.delete(id);
    }
    const id = `${namespace}\u0000${key}`;
    const window = windows.get(id);
    if (!window || now - window.start >= period * 1000) {
      windows.set(id, { start: now, count: 1 });
      return { success: limit >= 1 };
    }
    window.count++;
    return { success: window.count <= limit };
  }
}

export default {
  fetch: () => new Response("not found", { status: 404 }),
};
