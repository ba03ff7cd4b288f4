import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '@ocfkit/conformance/cli';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";

/** `ocfkit …` in this process (the CLI as users run it, minus the process start). */
export async function ocfkit(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

/** `ocfkit …` as its own process (from source). */
export function spawnOcfkit(argv: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT, ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

export interface Daemon {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `ocfkit node start ARGS` and resolves once it says it is running. */
export function startDaemon(args: string[], env: Record<string, string> = {}): Promise<Daemon> {
  const child = spawnOcfkit(['node', 'start', ...args], env);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code, signal) => r(code ?? ((signal ? `signal ${signal}` : null) as number | null))),
  );
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((res, rej) => {
    child.stdout?.on('data', () => {
      if (out.includes(': running (')) res({ child, stdout: () => out, stderr: () => err, exited });
    });
    void exited.then((code) => rej(new Error(`node start exited ${code}: ${out}${err}`)));
  });
}

/** Runs a command to completion. */
export function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ rc: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    c.on('close', (rc) => res({ rc, out, err }));
  });
}

export const SEED = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"/>
      <node id="2" uname="n2"/>
    </nodes>
    <resources>
      <group id="grp">
        <primitive id="ip" class="ocf" provider="heartbeat" type="Dummy"/>
        <primitive id="db" class="ocf" provider="heartbeat" type="Dummy">
          <operations>
            <op id="db-monitor-10s" name="monitor" interval="10s" timeout="20s"/>
          </operations>
        </primitive>
      </group>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;
