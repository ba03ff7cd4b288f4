import { mkdtempSync } from 'node:fs';
import { runSuite } from '../src/suite';
import { resolveTarget } from '../src/target';
import { loadAgentTable, prepare } from './agent-table';

const agent = process.argv[2] as string;
const e = loadAgentTable().find((x) => x.agent === agent)!;
const scratch = mkdtempSync('/tmp/h48/s-');
const r = await runSuite(resolveTarget(`ocf:${agent}`), { params: prepare(e, scratch) });
for (const l of r.log) console.log(`${l.label} [${l.action}] rc=${l.rc} ${l.execStatus} ${l.durationMs}ms ${l.exitReason ?? ''}`);
for (const x of r.results)
  if (x.status !== 'passed')
    console.log(
      x.status,
      x.id,
      x.findings
        .map((f) => f.message)
        .join(' | ')
        .slice(0, 400),
    );
