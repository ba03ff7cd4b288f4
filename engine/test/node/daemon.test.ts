import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cibDigest, readCibFile } from '../../src/cib/store-files';
import { parseXml, serializeXml } from '../../src/cib/xml-tree';
import { type Daemon, ocfkit, run, SEED, spawnOcfkit, startDaemon } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-node-'));
const state = join(dir, 'state');
const runDir = join(dir, 'run');
const seedFile = join(dir, 'seed.xml');
const R = ['--run-dir', runDir];
let daemon: Daemon;

/** The constraints section, as a canonical string. */
function constraintsOf(xml: string): string {
  const cib = parseXml(xml);
  const c = cib.children.find((x) => x.name === 'configuration')?.children.find((x) => x.name === 'constraints');
  return c ? serializeXml(c) : '';
}

async function statusJson(): Promise<{
  version: string;
  nodes: { name: string; online: boolean; standby: boolean }[];
  resources: { id: string; members: { id: string; role: string; nodes: string[]; targetRole?: string }[] }[];
}> {
  const r = await ocfkit('status', '--output-as', 'json', ...R);
  expect(r.err).toBe('');
  return JSON.parse(r.out);
}

/** Where the group's members run, once the (simulated) controller has acted. */
async function settled(want: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await statusJson();
    const members = s.resources[0]?.members ?? [];
    const at = members.map((m) => `${m.id}=${m.role}${m.nodes.length ? `@${m.nodes.join(',')}` : ''}`).join(' ');
    if (at === want) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = await statusJson();
  expect(s.resources[0]?.members).toBe(want);
}

beforeAll(async () => {
  writeFileSync(seedFile, SEED);
  daemon = await startDaemon([
    '--state-dir',
    state,
    '--run-dir',
    runDir,
    '--cib',
    seedFile,
    '--node-name',
    'n1',
    '--controller',
    'simulate',
    '--config-dir',
    join(dir, 'etc'),
  ]);
});

afterAll(async () => {
  daemon?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('ocfkit node start', () => {
  test('sockets and state are private: sockets 0600, files 0600, directories 0700', async () => {
    await settled('ip=Started@n1 db=Started@n1');
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect([mode(state), mode(runDir), mode(join(state, 'cib'))]).toEqual(['700', '700', '700']);
    expect([mode(join(runDir, 'admin.sock')), mode(join(runDir, 'attrd.sock')), mode(join(runDir, 'attrd.json'))]).toEqual([
      '600',
      '600',
      '600',
    ]);
    expect([mode(join(state, 'cib', 'cib.xml')), mode(join(state, 'cib', 'cib.xml.sig'))]).toEqual(['600', '600']);
    expect(readFileSync(join(state, 'cib', 'cib.xml.sig'), 'utf8').trim()).toBe(
      cibDigest(readFileSync(join(state, 'cib', 'cib.xml'), 'utf8')),
    );
  });

  test('a second daemon on the same state directory or run directory is refused', async () => {
    const again = await ocfkit('node', 'start', '--state-dir', state, '--run-dir', join(dir, 'run2'), '--node-name', 'n1');
    expect(again.rc).toBe(1);
    expect(again.err).toMatch(new RegExp(`another node daemon \\(pid \\d+\\) is using ${state}`));
  });

  test('an invalid seed is refused naming the element; nothing runs', async () => {
    const bad = join(dir, 'bad-seed.xml');
    writeFileSync(
      bad,
      SEED.replace('<primitive id="ip" class="ocf" provider="heartbeat" type="Dummy"/>', '<primitive id="ip" class="ocf" type="Dummy"/>'),
    );
    const r = await ocfkit('node', 'start', '--state-dir', join(dir, 'st-bad'), '--run-dir', join(dir, 'run-bad'), '--cib', bad);
    expect(r.rc).toBe(1);
    expect(r.err).toBe(`ocfkit node: seed ${bad} is not valid: <primitive id="ip"> has class "ocf" but no provider\n`);
    expect(() => statSync(join(dir, 'st-bad', 'cib', 'cib.xml'))).toThrow();
    expect(() => statSync(join(dir, 'run-bad', 'admin.sock'))).toThrow();
  });

  test('an existing run directory others may write to is refused, not chmod-ed', async () => {
    const shared = join(dir, 'shared-run');
    mkdirSync(shared);
    chmodSync(shared, 0o775);
    const r = await ocfkit('node', 'start', '--state-dir', join(dir, 'st-shared'), '--run-dir', shared);
    expect(r.rc).toBe(1);
    expect(r.err).toBe(`ocfkit node: ${shared} is writable by its group or others (mode 775); use a private --run-dir\n`);
    expect(statSync(shared).mode & 0o777).toBe(0o775);
  });

  test('a socket path over 107 bytes is refused before anything is created', async () => {
    const long = join(dir, 'x'.repeat(110));
    const r = await ocfkit('node', 'start', '--state-dir', join(dir, 'st-long'), '--run-dir', long);
    expect(r.rc).toBe(1);
    expect(r.err).toContain(
      `socket path ${long}/admin.sock is ${Buffer.byteLength(`${long}/admin.sock`)} bytes, longer than the 107 a Unix socket allows`,
    );
    expect(() => statSync(long)).toThrow();
    expect(() => statSync(join(dir, 'st-long'))).toThrow();
  });

  test('commands without a daemon say where they looked; usage errors exit 2', async () => {
    const r = await ocfkit('status', '--run-dir', join(dir, 'nowhere'));
    expect(r.rc).toBe(1);
    expect(r.err).toContain(`no node daemon is running at ${join(dir, 'nowhere', 'admin.sock')}`);
    expect((await ocfkit('resource', 'fly', 'grp', ...R)).rc).toBe(2);
    expect((await ocfkit('status', '--output-as', 'yaml', ...R)).err).toContain('--output-as "yaml": one of text, xml, json');
    for (const cmd of ['node', 'status', 'cib', 'resource']) {
      const h = await ocfkit(cmd, '--help');
      expect(h.rc).toBe(0);
      expect(h.out).toMatch(/^Usage: ocfkit /);
    }
  });
});

describe('ocfkit cib', () => {
  test('query prints the CIB with the seed configuration and the live status', async () => {
    const q = await ocfkit('cib', 'query', ...R);
    expect(q.rc).toBe(0);
    const cib = parseXml(q.out);
    expect(cib.attrs.epoch).toBeDefined();
    expect(q.out).toContain('<primitive id="db" class="ocf" provider="heartbeat" type="Dummy">');
    expect(q.out).toContain('<lrm_rsc_op id="db_monitor_10000"');
    const r = await ocfkit('cib', 'query', '--scope', 'resources', ...R);
    expect(r.out.startsWith('<resources>')).toBe(true);
  });

  test('an invalid replacement is refused naming the element, and nothing changes', async () => {
    const before = (await ocfkit('cib', 'query', ...R)).out;
    const onDisk = readFileSync(join(state, 'cib', 'cib.xml'), 'utf8');
    const bad = before.replace('<primitive id="db" class="ocf" provider="heartbeat"', '<primitive id="db" class="ocf"');
    writeFileSync(join(dir, 'bad.xml'), bad);
    const r = await ocfkit('cib', 'replace', join(dir, 'bad.xml'), ...R);
    expect(r.rc).toBe(1);
    expect(r.err).toBe('ocfkit cib: <primitive id="db"> has class "ocf" but no provider\n');
    expect((await ocfkit('cib', 'query', ...R)).out).toBe(before);
    expect(readFileSync(join(state, 'cib', 'cib.xml'), 'utf8')).toBe(onDisk);
  });

  test('replace of a section moves the epoch on and keeps the status; an older CIB is refused', async () => {
    const before = await statusJson();
    const [a, e] = before.version.split('.').map(Number) as [number, number];
    writeFileSync(
      join(dir, 'crm.xml'),
      '<crm_config><cluster_property_set id="opts"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/><nvpair id="opt-x" name="cluster-recheck-interval" value="5min"/></cluster_property_set></crm_config>',
    );
    const r = await ocfkit('cib', 'replace', join(dir, 'crm.xml'), '--scope', 'crm_config', ...R);
    expect(r.err).toBe(`CIB replaced: now at version ${a}.${e + 1}.0\n`);
    expect((await ocfkit('cib', 'query', ...R)).out).toContain('name="cluster-recheck-interval" value="5min"');
    await settled('ip=Started@n1 db=Started@n1');
    writeFileSync(join(dir, 'old.xml'), SEED);
    const old = await ocfkit('cib', 'replace', join(dir, 'old.xml'), ...R);
    expect(old.rc).toBe(1);
    expect(old.err).toContain('is older than the current one');
  });

  test.skipIf(requireTool(['crm_diff']))('patch applies what crm_diff writes', async () => {
    const cur = (await ocfkit('cib', 'query', ...R)).out;
    const oldFile = join(dir, 'p-old.xml');
    const newFile = join(dir, 'p-new.xml');
    writeFileSync(oldFile, cur);
    writeFileSync(
      newFile,
      cur
        .replace('<constraints/>', '<constraints>\n      <rsc_location id="prefer-n1" rsc="grp" node="n1" score="50"/>\n    </constraints>')
        .replace(
          '<op id="db-monitor-10s" name="monitor" interval="10s" timeout="20s"/>',
          '<op id="db-monitor-10s" name="monitor" interval="10s" timeout="30s"/>',
        ),
    );
    const diff = await run('crm_diff', ['-o', oldFile, '-n', newFile]);
    expect(diff.out).toContain('<diff format="2">');
    writeFileSync(join(dir, 'patch.xml'), diff.out);
    const r = await ocfkit('cib', 'patch', join(dir, 'patch.xml'), ...R);
    expect(r.rc).toBe(0);
    const after = (await ocfkit('cib', 'query', ...R)).out;
    expect(constraintsOf(after)).toBe('<constraints>\n  <rsc_location id="prefer-n1" rsc="grp" node="n1" score="50"/>\n</constraints>\n');
    expect(after).toContain('<op id="db-monitor-10s" name="monitor" interval="10s" timeout="30s"/>');
    // The same patch again: its source version is gone.
    const again = await ocfkit('cib', 'patch', join(dir, 'patch.xml'), ...R);
    expect(again.rc).toBe(1);
    expect(again.err).toMatch(/the patch applies to version 0\.\d+, the CIB is at 0\.\d+\.\d+/);
  });
});

describe('ocfkit resource and node', () => {
  test.skipIf(requireTool(['crm_resource']))('move, ban and clear write the constraints crm_resource writes', async () => {
    const file = join(dir, 'crm-resource.xml');
    writeFileSync(file, (await ocfkit('cib', 'query', ...R)).out);
    const env = { CIB_file: file };
    // n2 is offline: a move there leaves grp on n1; a ban from n1 stops it.
    const up = 'ip=Started@n1 db=Started@n1';
    const down = 'ip=Stopped db=Stopped';
    const steps: [string[], string[], string][] = [
      [['move', 'grp', 'n2'], ['--move', '-r', 'grp', '-N', 'n2'], up],
      [['ban', 'grp', 'n1'], ['--ban', '-r', 'grp', '-N', 'n1'], down],
      [['clear', 'grp', 'n1'], ['--clear', '-r', 'grp', '-N', 'n1'], up],
      [['move', 'grp'], ['--move', '-r', 'grp'], down],
      [['clear', 'grp'], ['--clear', '-r', 'grp'], up],
    ];
    for (const [ours, theirs, where] of steps) {
      const o = await ocfkit('resource', ...ours, ...R);
      expect(o.rc).toBe(0);
      const t = await run('crm_resource', theirs, env);
      expect(t.rc).toBe(0);
      expect({ step: ours.join(' '), constraints: constraintsOf((await ocfkit('cib', 'query', ...R)).out) }).toEqual({
        step: ours.join(' '),
        constraints: constraintsOf(readFileSync(file, 'utf8')),
      });
      // The simulated controller follows the constraints.
      await settled(where);
    }
  });

  test('standby and online set the node attribute as crm_standby does', async () => {
    const file = join(dir, 'crm-standby.xml');
    writeFileSync(file, (await ocfkit('cib', 'query', ...R)).out);
    const s = await ocfkit('node', 'standby', 'n1', ...R);
    if (!requireTool(['crm_attribute'])) {
      expect((await run('crm_attribute', ['-N', 'n1', '-n', 'standby', '-v', 'on'], { CIB_file: file })).rc).toBe(0);
      const nodes = (xml: string) => serializeXml(parseXml(xml).children[0]?.children.find((c) => c.name === 'nodes') ?? parseXml('<x/>'));
      expect(nodes((await ocfkit('cib', 'query', ...R)).out)).toBe(nodes(readFileSync(file, 'utf8')));
    }
    expect(s.out).toBe('node n1: standby=on\n');
    expect((await ocfkit('cib', 'query', '--scope', 'nodes', ...R)).out).toContain(
      '  <node id="1" uname="n1">\n    <instance_attributes id="nodes-1">\n      <nvpair id="nodes-1-standby" name="standby" value="on"/>',
    );
    expect((await statusJson()).nodes.find((n) => n.name === 'n1')).toMatchObject({ online: true, standby: true });
    expect((await ocfkit('status', ...R)).out).toContain('  * Node n1: standby\n');
    await settled('ip=Stopped db=Stopped');
    const o = await ocfkit('node', 'online', ...R);
    expect(o.out).toBe('node n1: standby removed\n');
    expect((await statusJson()).nodes.find((n) => n.name === 'n1')).toMatchObject({ standby: false });
    await settled('ip=Started@n1 db=Started@n1');
    const bad = await ocfkit('node', 'standby', 'n9', ...R);
    expect(bad.rc).toBe(1);
    expect(bad.err).toBe('ocfkit node: node "n9" is not in the configuration\n');
  });

  test('stop, start and restart set target-role and wait for the controller', async () => {
    expect((await ocfkit('resource', 'stop', 'grp', '--wait', ...R)).out).toBe("Set 'grp' option: name=target-role value=Stopped\n");
    expect((await statusJson()).resources[0]?.members.map((m) => `${m.role}/${m.targetRole}`)).toEqual([
      'Stopped/Stopped',
      'Stopped/Stopped',
    ]);
    expect((await ocfkit('status', ...R)).out).toContain('    * ip\t(ocf:heartbeat:Dummy):\t Stopped (disabled)\n');
    const notRunning = await ocfkit('resource', 'restart', 'grp', ...R);
    expect(notRunning.err).toBe('ocfkit resource: grp is not active: nothing to restart (use `ocfkit resource start`)\n');
    expect((await ocfkit('resource', 'start', 'grp', '--wait', ...R)).rc).toBe(0);
    await settled('ip=Started@n1 db=Started@n1');
    const r = await ocfkit('resource', 'restart', 'grp', '--timeout', '20s', ...R);
    expect(r.rc).toBe(0);
    expect(r.out).toContain('grp restarted\n');
    expect(r.err).toBe('Waiting for grp to be stopped...\nWaiting for grp to be active...\n');
    const unknown = await ocfkit('resource', 'stop', 'nope', ...R);
    expect(unknown.err).toBe('ocfkit resource: resource "nope" not found\n');
  });

  test('cleanup forgets the history so the controller probes again', async () => {
    let lastQuery = (await ocfkit('cib', 'query', ...R)).out;
    const calls = () => [...lastQuery.matchAll(/<lrm_rsc_op id="ip_last_0"[^>]* call-id="(\d+)"/g)].map((m) => Number(m[1]));
    const before = calls()[0] as number;
    const r = await ocfkit('resource', 'cleanup', 'ip', ...R);
    expect(r.out).toBe('Cleaned up ip on n1\n');
    for (let i = 0; i < 100; i++) {
      lastQuery = (await ocfkit('cib', 'query', ...R)).out;
      if ((calls()[0] ?? 0) > before) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(calls()[0]).toBeGreaterThan(before);
  });

  test('status as XML uses crm_mon element names', async () => {
    const x = await ocfkit('status', '--output-as', 'xml', ...R);
    const doc = parseXml(x.out);
    expect(doc.name).toBe('pacemaker-result');
    const group = doc.children.find((c) => c.name === 'resources')?.children[0];
    expect(group?.name).toBe('group');
    expect(group?.children[0]?.attrs).toMatchObject({
      id: 'ip',
      resource_agent: 'ocf:heartbeat:Dummy',
      role: 'Started',
      nodes_running_on: '1',
    });
  });
});

describe('ocfkit status --watch', () => {
  test('redraws on every CIB change and ends 0 on SIGINT', async () => {
    const child = spawnOcfkit(['status', '--watch', '--output-as', 'json', '--interval', '1min', ...R]);
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const until = async (pred: () => boolean) => {
      // a ceiling, not a timing claim: a cold `tsx` start of the watcher takes seconds under CI load
      for (let i = 0; i < 600 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(pred()).toBe(true);
    };
    await until(() => out.includes('"version"'));
    const frames = () => out.split(/\n(?=\{)/).length;
    const before = frames();
    await ocfkit('node', 'standby', 'n1', ...R);
    await until(() => frames() > before && /"standby": true/.test(out));
    await ocfkit('node', 'online', 'n1', ...R);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('ocfkit node start --group', () => {
  test('sockets 0660 and new directories 0750 for the group', async () => {
    const g = join(dir, 'grouped');
    const d = await startDaemon([
      '--state-dir',
      join(g, 'state'),
      '--run-dir',
      join(g, 'run'),
      '--node-name',
      'n1',
      '--group',
      'root',
      '--controller',
      'none',
    ]);
    const st = (p: string) => statSync(join(g, p));
    expect(
      [st('state'), st('run'), st('run/admin.sock'), st('run/attrd.sock')].map((x) => `${(x.mode & 0o777).toString(8)}:${x.gid}`),
    ).toEqual(['750:0', '750:0', '660:0', '660:0']);
    expect(d.stderr()).toContain('no controller: this daemon keeps the CIB and attributes but runs no resources');
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
  });
});

describe('shutdown', () => {
  test('SIGTERM stops the resources through the controller and exits 0; the CIB verifies', async () => {
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.stderr()).toMatch(/Transition \d+: stop ip on n1/);
    expect(daemon.stderr()).toContain('shutdown complete');
    expect(readCibFile(join(state, 'cib'))?.source).toBe('cib.xml');
    expect(() => statSync(join(runDir, 'admin.sock'))).toThrow();
  });
});
