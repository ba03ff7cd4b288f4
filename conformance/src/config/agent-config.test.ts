import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTempDir } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { expand, loadAgentConfig, missingRequirement } from './agent-config';

const dir = openTempDir('ocfkit-cfg-');
function file(content: string): string {
  const f = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, content);
  return f;
}

describe('conformance.json', () => {
  it('an absent file means no parameters and no requirements', () => {
    expect(loadAgentConfig(join(dir, 'none.json'))).toEqual({});
  });

  it('reads every field', () => {
    const f = file(
      JSON.stringify({
        params: { a: '1' },
        second: { a: '2' },
        invalid: { a: 'x' },
        promotable: true,
        clone: true,
        requires: { root: true, commands: ['ip'] },
        netns: { address: '192.0.2.1/24' },
        ci: false,
        setup: ['./s.sh', 'x'],
        teardown: ['./t.sh'],
      }),
    );
    expect(loadAgentConfig(f)).toEqual({
      params: { a: '1' },
      second: { a: '2' },
      invalid: { a: 'x' },
      promotable: true,
      clone: true,
      requires: { root: true, commands: ['ip'] },
      netns: { address: '192.0.2.1/24' },
      ci: false,
      setup: ['./s.sh', 'x'],
      teardown: ['./t.sh'],
      dir,
    });
  });

  it('names the file and the bad field', () => {
    const bad = file('{"params": {"a": 1}}');
    expect(() => loadAgentConfig(bad)).toThrow(`${bad}: params.a must be a string, got 1`);
    const unknown = file('{"parms": {}}');
    expect(() => loadAgentConfig(unknown)).toThrow(`${unknown}: unknown field "parms"`);
    const shell = file('{"setup": "./s.sh && rm -rf /"}');
    expect(() => loadAgentConfig(shell)).toThrow(`${shell}: setup must be a non-empty array of strings (an argv, no shell)`);
    const flag = file('{"promotable": "yes"}');
    expect(() => loadAgentConfig(flag)).toThrow(`${flag}: promotable must be a boolean, got "yes"`);
    const notJson = file('{');
    expect(() => loadAgentConfig(notJson)).toThrow(`${notJson}: not valid JSON`);
  });

  it('expands placeholders and reports missing commands', () => {
    expect(expand({ s: '$' + '{TMP}/a', n: '$' + '{NIC}' }, { TMP: '/t' })).toEqual({ s: '/t/a', n: '$' + '{NIC}' });
    expect(missingRequirement({ requires: { commands: ['sh', 'ocfkit-no-such-tool'] } })).toBe('needs ocfkit-no-such-tool (not installed)');
    expect(missingRequirement({ requires: { commands: ['sh'] } })).toBeUndefined();
  });
});
