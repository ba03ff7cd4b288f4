/** A binary min-heap of events ordered by time, then by insertion (a deterministic tie-break). */
export class EventHeap<T extends { at: number; seq: number }> {
  readonly #a: T[] = [];

  get size(): number {
    return this.#a.length;
  }

  peek(): T | undefined {
    return this.#a[0];
  }

  push(x: T): void {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ap = a[p]!;
      if (!less(x, ap)) break;
      a[i] = ap;
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        const am = a[m]!;
        a[m] = a[i]!;
        a[i] = am;
        i = m;
      }
    }
    return top;
  }
}

function less(x: { at: number; seq: number }, y: { at: number; seq: number }): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
