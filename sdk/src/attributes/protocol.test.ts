import { describe, expect, it } from 'vitest';
import { checkAttribute, checkDampen } from './names';
import { parseRequest } from './protocol';
import { promotionAttribute } from './types';

describe('attrd protocol', () => {
  it('parses the three requests', () => {
    expect(parseRequest('{"op":"update","name":"diskcheck_status","value":"ERROR","dampenMs":5000}')).toEqual({
      op: 'update',
      name: 'diskcheck_status',
      value: 'ERROR',
      dampenMs: 5000,
    });
    expect(parseRequest('{"op":"update","name":"#health-disk","value":null,"node":"n2"}')).toEqual({
      op: 'update',
      name: '#health-disk',
      value: null,
      node: 'n2',
    });
    expect(parseRequest('{"op":"query","name":"master-pgsql"}')).toEqual({ op: 'query', name: 'master-pgsql' });
    expect(parseRequest('{"op":"list","node":"n1"}')).toEqual({ op: 'list', node: 'n1' });
  });

  it.each([
    ['not json', /request is not JSON/],
    ['[1]', /must be a JSON object/],
    ['{"op":"drop"}', /unknown op "drop"/],
    ['{"op":"update","name":"a b","value":"x"}', /attribute name "a b" must match/],
    ['{"op":"update","name":"a"}', /"value" must be a string or null/],
    ['{"op":"update","name":"a","value":"x\\ny"}', /contains a control character/],
    ['{"op":"update","name":"a","value":"x","dampenMs":-1}', /dampening -1 must be whole milliseconds/],
    ['{"op":"query","name":"a","node":"-x"}', /node name "-x" must match/],
  ])('rejects %s naming the problem', (line, message) => {
    expect(() => parseRequest(line)).toThrow(message);
  });

  it('validates names, values and dampening', () => {
    expect(() => checkAttribute({ name: 'x'.repeat(129) })).toThrow(/attribute name/);
    expect(() => checkAttribute({ name: 'a', value: 'v'.repeat(4097) })).toThrow(/4097 characters long; at most 4096/);
    expect(() => checkDampen(1.5)).toThrow(/whole milliseconds/);
    expect(() => checkAttribute({ name: 'pingd', node: 'node-1.example', value: '100' })).not.toThrow();
  });

  it('names promotion scores like Pacemaker (master-<resource>, clone suffix dropped)', () => {
    expect(promotionAttribute('pgsql:1')).toBe('master-pgsql');
    expect(promotionAttribute('pgsql')).toBe('master-pgsql');
  });
});
