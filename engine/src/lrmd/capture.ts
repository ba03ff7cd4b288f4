/** Kept after the capture limit so the exit reason (the LAST prefixed line) survives truncation. */
const TAIL_BYTES = 4096;

/**
 * A bounded buffer for one output stream: the first `limit` bytes are kept, the rest is dropped
 * and marked, and a small tail is kept apart for exit-reason parsing.
 *
 * @example
 * const c = new BoundedCapture(1024);
 * child.stdout.on('data', (b) => c.push(b));
 * const { text, truncated } = c.result();
 */
export class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    if (chunk.length > room) {
      const over = chunk.subarray(Math.max(room, 0));
      this.dropped += over.length;
      this.tail = Buffer.concat([this.tail, over]);
      if (this.tail.length > TAIL_BYTES) this.tail = this.tail.subarray(this.tail.length - TAIL_BYTES);
    }
  }

  /** The kept text (with a marker line when bytes were dropped) and the tail of what was dropped. */
  result(): { text: string; truncated: boolean; droppedTail: string } {
    let text = Buffer.concat(this.chunks).toString('utf8');
    if (this.dropped > 0) text += `\n[ocfkit: output truncated, ${this.dropped} bytes dropped after ${this.limit}]\n`;
    return { text, truncated: this.dropped > 0, droppedTail: this.tail.toString('utf8') };
  }
}
