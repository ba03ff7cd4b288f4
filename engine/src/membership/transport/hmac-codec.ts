import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { AuthKey } from '../config/types';
import type { Codec, Frame } from '../protocol/messages';

/** The largest frame a UDP datagram carries; the daemon drops (and logs) larger ones. */
export const MAX_FRAME = 65_000;

/**
 * The wire format: `<key index> <method> <hex digest>\n<JSON frame>`, the digest being the HMAC
 * (sha256, sha1 or md5, with the authkeys key) of the JSON text, or its CRC-32 for `crc`.
 * `open` checks the key index and method, compares digests in constant time, then parses; anything
 * else (another key, a bad digest, a truncated or non-JSON frame) is null: dropped and counted.
 *
 * @example
 * const codec = hmacCodec({ index: 1, method: 'sha256', key: 'secret' });
 * codec.open(codec.seal(frame)) // the frame
 */
export function hmacCodec<C, O>(auth: AuthKey): Codec<C, O> & { seal(frame: Frame<C, O>): Buffer } {
  const digest = (text: string): string =>
    auth.method === 'crc' ? crc32(text).toString(16).padStart(8, '0') : createHmac(auth.method, auth.key).update(text).digest('hex');
  const prefix = `${auth.index} ${auth.method} `;
  return {
    seal(frame) {
      const json = JSON.stringify(frame);
      const buf = Buffer.from(`${prefix}${digest(json)}\n${json}`);
      if (buf.length > MAX_FRAME)
        throw new Error(`a ${frame.body.t} frame of ${buf.length} bytes does not fit a UDP datagram (${MAX_FRAME}); the CIB is too large`);
      return buf;
    },
    open(wire) {
      const buf = wire as Buffer;
      const nl = buf.indexOf(10);
      if (nl < 0 || nl > 200) return null;
      const head = buf.subarray(0, nl).toString('latin1');
      if (!head.startsWith(prefix)) return null;
      const json = buf.subarray(nl + 1).toString('utf8');
      const want = Buffer.from(digest(json), 'latin1');
      const got = Buffer.from(head.slice(prefix.length), 'latin1');
      if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
      try {
        const f = JSON.parse(json) as Frame<C, O>;
        if (typeof f?.from !== 'string' || typeof f.gen !== 'number' || typeof f.seq !== 'number' || typeof f.body?.t !== 'string')
          return null;
        return f;
      } catch {
        return null;
      }
    },
  };
}
