/**
 * IPaddr issue budget: a built IPaddr's cold `monitor` (recurring, address present, and a probe of
 * an absent address) within 2x of `node -e 0`. Everything runs through `ip netns exec` in a
 * namespace made for the bench (baseline too, so the namespace switch is in both); nothing
 * touches the host's interfaces. heartbeat IPaddr2 is printed for reference when installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureColdStart, printColdStart, type Subject } from './lib/cold-start';

const BUDGET = 2;
const RUNS = 20;

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
}

export default async function ipaddrColdStart(): Promise<{ withinBudget: boolean }> {
  const agent = resolve(import.meta.dirname, '../agents/dist/ocf/resource.d/ocfkit/IPaddr');
  if (!existsSync(agent)) throw new Error(`${agent} is missing: run npm run build first`);
  const ns = `ocfkit-bench-ipaddr-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-ipaddr-'));
  ip(['netns', 'add', ns]);
  try {
    ip(['-n', ns, 'link', 'add', 'bench0', 'type', 'veth', 'peer', 'name', 'bench1']);
    ip(['-n', ns, 'addr', 'add', '10.213.0.1/24', 'dev', 'bench0']);
    ip(['-n', ns, 'link', 'set', 'bench0', 'up']);
    ip(['-n', ns, 'addr', 'add', '10.213.0.50/24', 'dev', 'bench0']);
    const base = { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'vip', OCF_RESKEY_CRM_meta_timeout: '20000', HA_RSCTMP: dir };
    const running = { ...base, OCF_RESKEY_ip: '10.213.0.50', OCF_RESKEY_nic: 'bench0', OCF_RESKEY_CRM_meta_interval: '10000' };
    const discovered = { ...base, OCF_RESKEY_ip: '10.213.0.50', OCF_RESKEY_CRM_meta_interval: '10000' };
    const probe = { ...base, OCF_RESKEY_ip: '10.213.0.60' };
    const inNs = (...argv: string[]): [string, ...string[]] => ['ip', 'netns', 'exec', ns, ...argv];
    const subjects: Subject[] = [
      { label: 'node -e 0 (baseline)', argv: inNs(process.execPath, '-e', '0') },
      { label: 'IPaddr monitor (running, nic)', argv: inNs(agent, 'monitor'), env: running },
      { label: 'IPaddr monitor (running, findif)', argv: inNs(agent, 'monitor'), env: discovered },
      { label: 'IPaddr probe (stopped, findif)', argv: inNs(agent, 'monitor'), env: probe },
    ];
    for (const s of subjects.slice(1)) {
      const want = s.env === probe ? 7 : 0;
      const r = spawnSync(s.argv[0], s.argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...s.env } });
      if (r.status !== want) throw new Error(`${s.label}: expected rc ${want}, got ${r.status}: ${r.stderr}`);
    }
    const shell = '/usr/lib/ocf/resource.d/heartbeat/IPaddr2';
    if (existsSync(shell)) subjects.push({ label: 'heartbeat IPaddr2 monitor (ref.)', argv: inNs(shell, 'monitor'), env: running });
    const rows = measureColdStart(subjects, RUNS);
    process.stdout.write(`${RUNS} interleaved runs each, inside a network namespace; budget ${BUDGET}x of the baseline\n`);
    const ok = printColdStart(
      rows.filter((r) => !r.label.includes('ref.')),
      BUDGET,
    );
    const b = rows[0];
    for (const r of rows.filter((x) => x.label.includes('ref.')))
      process.stdout.write(
        `${r.label.padEnd(34)} ${`${r.medianMs.toFixed(1)} ms`.padStart(9)} (${b ? (r.medianMs / b.medianMs).toFixed(2) : '?'}x, not budgeted)\n`,
      );
    return { withinBudget: ok };
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}
