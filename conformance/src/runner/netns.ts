import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private network namespace with one interface, and a wrapper that runs an agent inside it. */
export interface NetnsRig {
  name: string;
  /** The dummy interface inside the namespace. */
  nic: string;
  /** Runs `<agent> <action>` inside the namespace (argv passed through). */
  wrapperPath: string;
  remove(): void;
}

const ADDRESS = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `'...'` quoting for a POSIX shell word. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * Creates namespace `ocfk-<random>` with `lo` up and a veth pair `ocfk0`/`ocfk0p` (both ends
 * inside), `ocfk0` carrying `address` (CIDR), plus a wrapper script `exec ip netns exec NS AGENT "$@"` for the executor.
 * Nothing touches the host's own interfaces. Call `remove()` (also on failure).
 *
 * @example
 * const rig = createNetns('/usr/lib/ocf/resource.d/heartbeat/IPaddr2', '192.0.2.1/24');
 * try { await runSuite(target, { wrapperPath: rig.wrapperPath, params: { ip: '192.0.2.10', nic: rig.nic } }); }
 * finally { rig.remove(); }
 */
export function createNetns(agentPath: string, address: string): NetnsRig {
  if (!ADDRESS.test(address)) throw new Error(`netns address ${JSON.stringify(address)} is not an address/prefix`);
  const name = `ocfk-${randomBytes(4).toString('hex')}`;
  const nic = 'ocfk0';
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-netns-'));
  const remove = () => {
    try {
      ip(['netns', 'delete', name]);
    } catch {
      // never created, or already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip(['netns', 'add', name]);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    // a veth pair with both ends inside: works where the dummy module is not available (containers)
    ip(['-n', name, 'link', 'add', nic, 'type', 'veth', 'peer', 'name', `${nic}p`]);
    ip(['-n', name, 'addr', 'add', address, 'dev', nic]);
    ip(['-n', name, 'link', 'set', `${nic}p`, 'up']);
    ip(['-n', name, 'link', 'set', nic, 'up']);
    const ipPath = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    const wrapperPath = join(dir, 'in-netns');
    writeFileSync(wrapperPath, `#!/bin/sh\nexec ${shellQuote(ipPath)} netns exec ${name} ${shellQuote(agentPath)} "$@"\n`, { mode: 0o700 });
    chmodSync(dir, 0o755);
    return { name, nic, wrapperPath, remove };
  } catch (err) {
    remove();
    throw new Error(`could not create a network namespace: ${(err as Error).message}`);
  }
}
