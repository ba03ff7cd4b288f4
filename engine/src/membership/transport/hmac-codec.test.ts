import { describe, expect, it } from 'vitest';
import type { Frame } from '../protocol/messages';
import { hmacCodec } from './hmac-codec';

const frame: Frame<unknown, unknown> = { from: 'n1', gen: 3, seq: 7, to: null, body: { t: 'ack', toGen: 1, ep: 0, upTo: 4 } };

describe('hmacCodec', () => {
  it.each(['sha256', 'sha1', 'md5', 'crc'] as const)('round-trips a frame with %s', (method) => {
    const c = hmacCodec({ index: 1, method, key: method === 'crc' ? '' : 'k' });
    expect(c.open(c.seal(frame))).toEqual(frame);
  });

  it('refuses another key, another key index, a flipped byte and garbage', () => {
    const mine = hmacCodec({ index: 1, method: 'sha256', key: 'right' });
    const wire = hmacCodec({ index: 1, method: 'sha256', key: 'wrong' }).seal(frame);
    expect(mine.open(wire)).toBeNull();
    expect(mine.open(hmacCodec({ index: 2, method: 'sha256', key: 'right' }).seal(frame))).toBeNull();
    const good = mine.seal(frame);
    const flipped = Buffer.from(good as Buffer);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 3) ^ 1, flipped.length - 3);
    expect(mine.open(flipped)).toBeNull();
    expect(mine.open(Buffer.from('hello'))).toBeNull();
    expect(mine.open(good)).toEqual(frame);
  });
});
