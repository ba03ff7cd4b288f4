/**
 * A FIFO counting semaphore: at most `limit` holders at once, waiters served in arrival order.
 *
 * @example
 * const slots = new Semaphore(4);
 * const release = await slots.acquire();
 * try { await work(); } finally { release(); }
 */
export class Semaphore {
  private held = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.held++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.held--;
          this.waiters.shift()?.();
        });
      };
      if (this.held < this.limit) grant();
      else this.waiters.push(grant);
    });
  }

  /** Slots in use. */
  get inUse(): number {
    return this.held;
  }
}
