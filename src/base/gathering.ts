/**
 * Items gathered under a key for a while, then sent together: one request per batch instead of one
 * per item. The call that opens a batch sends it, from its own request, with its own `send`: workerd
 * lets no request wait on another's I/O, so the others only add plain data to the open batch. A
 * batch that reaches `max` starts its successor; it still goes at its time.
 */
export class Gathering<T> {
  private readonly open = new Map<string, T[]>();
  private readonly ms: number;
  private readonly max: number;

  constructor(ms: number, max: number) {
    this.ms = ms;
    this.max = max;
  }

  /** Adds the item; answers when it is on its way (for the batch's opener, when `send` is done). */
  add(key: string, item: T, send: (items: T[]) => Promise<void>): Promise<void> {
    const batch = this.open.get(key);
    if (batch) {
      batch.push(item);
      if (batch.length >= this.max) this.open.delete(key);
      return Promise.resolve();
    }
    const items = [item];
    this.open.set(key, items);
    return new Promise<void>((resolve) => setTimeout(resolve, this.ms)).then(() => {
      if (this.open.get(key) === items) this.open.delete(key);
      return send(items);
    });
  }
}
