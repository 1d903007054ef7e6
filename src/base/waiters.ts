/** Callers waiting, each up to a deadline, for a value that another call delivers under a key. */
export class KeyedWaiters<T> {
  private readonly waiting = new Map<string, (value: T) => void>();

  /** Hands the value to whoever waits for the key; false when nobody does. */
  deliver(key: string, value: T): boolean {
    const waiter = this.waiting.get(key);
    if (!waiter) return false;
    this.waiting.delete(key);
    waiter(value);
    return true;
  }

  wait(key: string, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(key, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}
