import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RIG_PREFIX, rigTestsMissing } from './rig-gate';

// An interrupted `ocfkit conformance --rig docker` (Ctrl-C once the cluster runs) removes its rig:
// no container, network or volume with the project's prefix is left, nor the seed directory.
// Runs wherever the rig tests run (root, dockerd, the rig image); ~1 min. Its own subnets
// (OCFKIT_RIG_INTERRUPT_NET, default 10.219), so it does not wait for another rig.
const missing = rigTestsMissing();
const ROOT = resolve(import.meta.dirname, '../..');
const PROJECT = `${RIG_PREFIX}-interrupt`;
const NET = process.env.OCFKIT_RIG_INTERRUPT_NET ?? '10.219';

/** What Docker still has of the project: containers, networks, volumes (names). */
function leftovers(): string[] {
  const list = (argv: string[]) =>
    spawnSync('docker', argv, { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((n) => n.startsWith(PROJECT));
  return [
    ...list(['ps', '-a', '--format', '{{.Names}}']),
    ...list(['network', 'ls', '--format', '{{.Name}}']),
    ...list(['volume', 'ls', '--format', '{{.Name}}']),
  ];
}

function removeLeftovers(): void {
  for (const c of leftovers())
    for (const kind of ['rm -f', 'network rm', 'volume rm']) spawnSync('docker', [...kind.split(' '), c], { stdio: 'ignore' });
}

describe.skipIf(missing)('an interrupted rig run removes its rig', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ocfkit-rig-interrupt-'));
  afterAll(() => {
    removeLeftovers();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('SIGINT once the cluster has formed: exit 130, nothing of the rig left in Docker or in the temporary directory', async () => {
    removeLeftovers();
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'conformance', 'bin', 'ocfkit.js'),
        'conformance',
        '--rig',
        'docker',
        '--scenario',
        'seed',
        '--project',
        PROJECT,
        '--net',
        NET,
      ],
      { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // mid-run: the containers exist and the node daemons run
    const t0 = Date.now();
    while (!/cluster formed/.test(out)) {
      if (child.exitCode !== null || Date.now() - t0 > 240_000) throw new Error(`the rig did not form:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(leftovers().length).toBeGreaterThanOrEqual(6); // 3 nodes + client, 2 networks, the volume
    expect(readdirSync(tmp).length).toBe(1); // the seed directory
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(err).toMatch(/SIGINT: removing the docker rig/);
    expect(err).toMatch(/rig removed/);
    expect(leftovers()).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  }, 300_000);
});
