/**
 * Issue budget: a built agent's `monitor` and `meta-data` within 1.3x of `node -e 0`
 * (median of >= 10 runs each, NODE_EXTRA_CA_CERTS unset), plus peak RSS.
 * The shell Dummy of resource-agents is printed for reference when installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureColdStart, printColdStart, type Subject } from './lib/cold-start';

const BUDGET = 1.3;
const RUNS = 50;

export default async function dummyColdStart(): Promise<{ withinBudget: boolean }> {
  const agent = resolve(import.meta.dirname, '../agents/dist/ocf/resource.d/ocfkit/Dummy');
  if (!existsSync(agent)) throw new Error(`${agent} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-dummy-'));
  try {
    const env = {
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RESOURCE_INSTANCE: 'bench',
      OCF_RESKEY_state: join(dir, 'bench.state'),
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_RESKEY_CRM_meta_interval: '10000',
    };
    const subjects: Subject[] = [
      { label: 'node -e 0 (baseline)', argv: [process.execPath, '-e', '0'] },
      { label: 'ocfkit Dummy monitor', argv: [agent, 'monitor'], env },
      { label: 'ocfkit Dummy meta-data', argv: [agent, 'meta-data'], env },
    ];
    const shell = '/usr/lib/ocf/resource.d/heartbeat/Dummy';
    if (existsSync(shell)) subjects.push({ label: 'heartbeat Dummy monitor (bash, ref.)', argv: [shell, 'monitor'], env });
    const rows = measureColdStart(subjects, RUNS);
    process.stdout.write(`${RUNS} interleaved runs each; budget ${BUDGET}x of the baseline for the ocfkit rows\n`);
    const withinBudget = printColdStart(
      rows.filter((r) => !r.label.includes('ref.')),
      BUDGET,
    );
    printRef(rows);
    return { withinBudget };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printRef(rows: ReturnType<typeof measureColdStart>): void {
  const base = rows[0];
  for (const r of rows.filter((x) => x.label.includes('ref.')))
    process.stdout.write(
      `${r.label.padEnd(34)} ${`${r.medianMs.toFixed(1)} ms`.padStart(9)} (${base ? (r.medianMs / base.medianMs).toFixed(2) : '?'}x, not budgeted)\n`,
    );
}
