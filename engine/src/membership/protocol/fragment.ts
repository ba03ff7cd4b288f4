/**
 * Splitting a channel message too large for one datagram into parts, and putting it back. The
 * reliable channel delivers a peer's messages in order, without gaps, within one channel
 * incarnation, so the parts of one message arrive one after the other: the receiver only has to
 * append them. Pure (no Buffer): sizes are UTF-8 bytes of the text as a JSON string, which is how
 * the codec carries a part.
 */

/** What one character of `text` at `i` costs inside a JSON string, in UTF-8 bytes, and how many UTF-16 units it spans. */
function costAt(text: string, i: number): [bytes: number, units: number] {
  const c = text.charCodeAt(i);
  if (c === 0x22 || c === 0x5c) return [2, 1]; // \" \\
  if (c < 0x20) return [c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6, 1];
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    // A surrogate pair is 4 bytes and is never split; a lone surrogate is escaped (\udxxx).
    return d >= 0xdc00 && d <= 0xdfff ? [4, 2] : [6, 1];
  }
  if (c >= 0xdc00 && c <= 0xdfff) return [6, 1];
  return [3, 1];
}

/** The UTF-8 size of `text` written as a JSON string (quotes excluded). */
export function jsonStringBytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const [b, u] = costAt(text, i);
    n += b;
    i += u;
  }
  return n;
}

/**
 * Cuts `text` into parts of at most `maxBytes` each (as JSON strings), never inside a surrogate
 * pair.
 *
 * @example
 * splitText('a'.repeat(10), 4) // ['aaaa', 'aaaa', 'aa']
 */
export function splitText(text: string, maxBytes: number): string[] {
  if (!(maxBytes >= 6)) throw new Error(`a part must hold at least 6 bytes, got ${maxBytes}`);
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const [b, u] = costAt(text, i);
    if (bytes + b > maxBytes) {
      parts.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += b;
    i += u;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Reassembles the parts of one message as they are delivered in order: `add` returns the whole
 * text once the last part is in, null before. A part out of place (a new message starting, a
 * part missing) starts over: the channel never does that, a peer with a bug might.
 */
export class Reassembly {
  #parts: string[] = [];

  add(i: number, n: number, part: string): string | null {
    if (i === 0) this.#parts = [];
    if (i !== this.#parts.length || n < 1 || i >= n) {
      this.#parts = [];
      return null;
    }
    this.#parts.push(part);
    if (i < n - 1) return null;
    const text = this.#parts.join('');
    this.#parts = [];
    return text;
  }

  /** Bytes held so far (as UTF-16 units). */
  get pending(): number {
    return this.#parts.reduce((s, p) => s + p.length, 0);
  }
}
