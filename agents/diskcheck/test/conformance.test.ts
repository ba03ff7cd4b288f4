/**
 * The OCF conformance suite on diskcheck (write check in a temporary directory), with the bundled
 * attrd receiving the attribute: the suite's executor passes OCFKIT_ATTRD_SOCKET through, as the
 * engine's does.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeConformance } from '@ocfkit/conformance/vitest';
import { type Attrd, type CommitEvent, startAttrd } from '@ocfkit/engine';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDiskcheck, tempDir } from './helpers';

const dir = tempDir('diskcheck-conformance-');
chmodSync(dir, 0o755); // meta-data is also run as nobody
const agent = await buildDiskcheck(join(dir, 'dist'));
let attrd: Attrd;
const commits: CommitEvent[] = [];
const saved = process.env.OCFKIT_ATTRD_SOCKET;

beforeAll(async () => {
  attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
  attrd.onCommit((e) => commits.push(e));
  process.env.OCFKIT_ATTRD_SOCKET = attrd.socket;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.OCFKIT_ATTRD_SOCKET;
  else process.env.OCFKIT_ATTRD_SOCKET = saved;
  await attrd?.close();
  rmSync(dir, { recursive: true, force: true });
});

describeConformance(agent, {
  params: { write_dir: dir, interval: '1s', timeout: '2s' },
  invalid: { interval: '0', device: 'sda' },
});

it('set the attribute through the bundled attrd during the run and left none behind', () => {
  expect(commits.some((e) => e.name === 'diskcheck_status' && e.committed === 'normal')).toBe(true);
  expect(commits.some((e) => e.committed === 'ERROR')).toBe(false);
  expect(attrd.list()).toEqual([]);
});
