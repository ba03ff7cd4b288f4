/**
 * The bundled engine runs the replication mode as a promotable clone: `ocfkit node start` on one
 * node with the built agent — probe, start as a standby, the monitor's WAL rounds set the
 * promotion score, the controller promotes, the promoted-role monitor reports 8; SIGTERM demotes
 * (a clean shutdown lifts PGSQL.lock) and stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, eventually, makeCluster, missing } from './cluster';
import { postmasterPid } from './postmaster-pid';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

let c: Cluster | undefined;
let dir: string | undefined;
let daemon: ChildProcess | undefined;
afterAll(() => {
  daemon?.kill('SIGKILL');
  c?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `ocfkit status --output-as json` against the daemon. */
function status(run: string): Promise<string> {
  return new Promise((done) => {
    const p = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT, 'status', '--output-as', 'json', '--run-dir', run],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    p.on('close', () => done(out.replace(/\s+/g, '')));
  });
}

function cib(params: Record<string, string>): string {
  const nv = Object.entries(params)
    .map(([k, v]) => `<nvpair id="pgsql-ia-${k}" name="${k}" value="${esc(v)}"/>`)
    .join('');
  return `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources>
      <clone id="pgsql-clone">
        <meta_attributes id="pgsql-clone-meta">
          <nvpair id="pc-promotable" name="promotable" value="true"/>
          <nvpair id="pc-promoted-max" name="promoted-max" value="1"/>
          <nvpair id="pc-clone-max" name="clone-max" value="1"/>
        </meta_attributes>
        <primitive id="pgsql" class="ocf" provider="ocfkit" type="pgsql">
          <instance_attributes id="pgsql-ia">${nv}</instance_attributes>
          <operations>
            <op id="pgsql-start" name="start" interval="0" timeout="60s"/>
            <op id="pgsql-stop" name="stop" interval="0" timeout="60s"/>
            <op id="pgsql-promote" name="promote" interval="0" timeout="60s"/>
            <op id="pgsql-demote" name="demote" interval="0" timeout="60s"/>
            <op id="pgsql-monitor" name="monitor" interval="2s" timeout="30s"/>
            <op id="pgsql-monitor-p" name="monitor" interval="1s" role="Promoted" timeout="30s"/>
          </operations>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;
}

describe.skipIf(missing)('pgsql replication under the bundled engine', () => {
  it('ocfkit node start starts a standby, promotes it by its score, and demotes and stops it on SIGTERM', async () => {
    c = await makeCluster();
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-engine-'));
    chmodSync(dir, 0o755);
    const built = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider: 'ocfkit' })).output;
    const params = {
      ...c.params,
      start_opt: '-c max_connections=100',
      rep_mode: 'async',
      node_list: 'n1',
      master_ip: c.socketdir,
      tmpdir: join(c.dir, 'tmp'),
    };
    writeFileSync(join(dir, 'seed.xml'), cib(params));
    const run = join(dir, 'run');
    daemon = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT, 'node', 'start', '--state-dir', join(dir, 'state')]
        .concat(['--run-dir', run, '--cib', join(dir, 'seed.xml'), '--node-name', 'n1', '--config-dir', join(dir, 'etc')])
        .concat(['--agent-path', dirname(dirname(built))]),
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
    );
    let log = '';
    daemon.stderr?.setEncoding('utf8').on('data', (d: string) => {
      log += d;
    });
    const exited = new Promise<number | null>((r) => daemon?.on('exit', (code) => r(code)));
    const cluster = c;
    const lock = join(c.dir, 'tmp', 'PGSQL.lock');
    try {
      const socket = join(cluster.socketdir, `.s.PGSQL.${cluster.port}`);
      await eventually(() => {
        try {
          return existsSync(socket) && cluster.sql('select pg_is_in_recovery()') === 'f' ? true : undefined;
        } catch {
          return undefined;
        }
      }, 90_000);
      expect(existsSync(lock)).toBe(true);
      // The controller records the promoted role from the promoted-role monitor's 8.
      await eventually(async () => ((await status(run)).includes('"role":"Promoted"') ? true : undefined), 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}; node log:\n${log.split('\n').slice(-30).join('\n')}`);
    }
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(postmasterPid(c.pgdata)).toBeUndefined();
    // The demote shut the primary down cleanly: no lock is left behind.
    expect(existsSync(lock)).toBe(false);
  }, 150_000);
});
