import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { createNetns } from './netns';

const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

describe.skipIf(missing)('createNetns', () => {
  it('runs the agent inside a private namespace whose interface carries the address, and removes it all', () => {
    const ipPath = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    const rig = createNetns(ipPath, '192.0.2.1/24');
    try {
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(rig.name);
      // the wrapper passes its argv through: here the "agent" is ip itself
      const inside = execFileSync(rig.wrapperPath, ['-o', '-4', 'addr', 'show', 'dev', rig.nic], { encoding: 'utf8' });
      expect(inside).toMatch(/ocfk0\s+inet 192\.0\.2\.1\/24/);
      const host = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
      expect(host).not.toMatch(/ocfk0/);
    } finally {
      rig.remove();
    }
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(rig.name);
    expect(existsSync(rig.wrapperPath)).toBe(false);
  });

  it('rejects an address that is not address/prefix', () => {
    expect(() => createNetns('/bin/true', '192.0.2.1; reboot')).toThrow('netns address "192.0.2.1; reboot" is not an address/prefix');
  });
});
