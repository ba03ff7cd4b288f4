const WINDOW = 1024;

/**
 * Per-sender replay protection: a frame is accepted once per (generation, sequence number). A
 * higher generation (the sender restarted) starts afresh; a lower one is a replay of a dead
 * incarnation. Within a generation, sequence numbers up to {@link WINDOW} behind the highest
 * seen are accepted once each (the network reorders); older ones are dropped.
 *
 * @example
 * const g = new ReplayGuard();
 * g.check(1, 5) // undefined (accepted)
 * g.check(1, 5) // 'replayed'
 */
export class ReplayGuard {
  gen = -1;
  #max = 0;
  #floor = 0;
  /**
   * Sequence numbers seen within the window, each at slot `seq % WINDOW`: a slot is only reused by a
   * number WINDOW higher, which moves the window past the old one (a ring, no set to prune).
   */
  #seen: Float64Array | null = null;

  /**
   * Starts from what a previous run of this node saw of the sender (persisted): frames of an older
   * generation are stale, and of that generation only sequence numbers above `seq` are accepted.
   */
  restore(gen: number, seq: number): void {
    this.gen = gen;
    this.#max = seq;
    this.#floor = seq;
    this.#seen?.fill(0);
  }

  /** The highest sequence number accepted in the current generation. */
  get max(): number {
    return this.#max;
  }

  check(gen: number, seq: number): 'replayed' | 'stale-generation' | undefined {
    if (gen < this.gen) return 'stale-generation';
    if (gen > this.gen) {
      this.gen = gen;
      this.#max = 0;
      this.#floor = 0;
      this.#seen?.fill(0);
    }
    // Only whole numbers are ever sent (a fraction would miss its slot and be accepted again and again).
    if (!Number.isSafeInteger(seq)) return 'replayed';
    const slot = seq % WINDOW;
    // Allocated with the first frame (a node boots with a guard per configured peer, heard or not).
    this.#seen ??= new Float64Array(WINDOW);
    const seen = this.#seen;
    if (seq <= this.#floor || seq <= this.#max - WINDOW || seen[slot] === seq) return 'replayed';
    seen[slot] = seq;
    if (seq > this.#max) this.#max = seq;
    return undefined;
  }
}
