/**
 * The hostile-input campaign of issue 21, re-runnable: the built reference agents × their
 * parameters × hostile values (validate-all and monitor: probes, which change nothing), the
 * `ocfkit` command line with hostile arguments, and hostile CIBs through `ocfkit engine simulate`.
 *
 * Every run goes through GNU time (peak RSS) with a deadline, and is judged on what a user would
 * notice: a stack trace on stdout/stderr, a hang (killed at the deadline), an exit status outside
 * the contract (OCF codes for agents, 0/1/2 for ocfkit), a shell injection (a canary file created),
 * memory beyond a bound; the modes and owners of system directories and of the sandbox are compared
 * before and after.
 *
 * `npm run hostile` runs the whole matrix and prints a summary table (OCFKIT_HOSTILE_JOBS: runs at
 * once, default 2); hostile-campaign.test.ts runs a bounded subset in `npm test`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentEnv, exportCib, inheritedEnv } from '@ocfkit/engine';
import { benchCib } from '../../engine/test/scheduler/bench-cib';

const ROOT = resolve(import.meta.dirname, '..', '..');
const AGENT_DIR = join(ROOT, 'agents', 'dist', 'ocf', 'resource.d', 'ocfkit');
const OCFKIT = join(ROOT, 'conformance', 'bin', 'ocfkit.js');
const FIXTURES = join(ROOT, 'engine', 'test', 'scheduler', 'fixtures');

export type CaseClass = 'agent' | 'cli' | 'cib';

export interface Case {
  cls: CaseClass;
  label: string;
  argv: string[];
  env?: Record<string, string>;
  /** Killed (and counted as a hang) after this long. */
  deadlineMs: number;
  /** Exit statuses the contract allows. */
  allowed: readonly number[];
  /** Peak RSS allowed, in MiB. */
  maxRssMiB: number;
  /** Printed in the summary with its peak RSS. */
  large?: boolean;
  /** Text the output must not contain (a private parameter's value). */
  secret?: string;
}

export interface Outcome {
  c: Case;
  status: number | null;
  signal: string | null;
  hung: boolean;
  stackTrace: boolean;
  rssMiB: number;
  ms: number;
  output: string;
}

/** A hostile value, with `S` standing for the sandbox directory. */
function hostileValues(s: string, canary: (n: number) => string): Record<string, string> {
  return {
    empty: '',
    dash: '-',
    'dash-c': '-c',
    'double-dash-help': '--help',
    'subst-dollar': `$(touch ${canary(1)})`,
    'subst-backtick': `\`touch ${canary(2)}\``,
    semicolon: `x; touch ${canary(3)}`,
    pipe: `x | touch ${canary(4)}`,
    quote: `' ; touch ${canary(5)} ; '`,
    newline: `x\ntouch ${canary(6)}`,
    traversal: '../../../../../../../../etc/passwd',
    'dev-zero': '/dev/zero',
    fifo: join(s, 'fifo'),
    'proc-mem': '/proc/self/mem',
    directory: s,
    long: 'A'.repeat(100_000),
    controls: 'x\x1b[2J\x01\x7f\x08y',
    unicode: 'é☃😀\u202e',
    negative: '-1',
    huge: '99999999999999999999999',
    'float-inf': '1e309',
    format: '%s%s%s%n%x',
    spaces: ' leading and trailing ',
  };
}

/** Parameters that make each agent's probe reach its code (the hostile value replaces one). */
function baseParams(agent: string, s: string): Record<string, string> {
  switch (agent) {
    case 'Dummy':
      return { state: join(s, 'Dummy.state') };
    case 'IPaddr':
      return { ip: '192.0.2.10', nic: 'lo', cidr_netmask: '24' };
    case 'Xen':
      return { xmfile: join(s, 'dom.cfg'), name: 'hostile-dom' };
    case 'diskcheck':
      return { write_dir: s, interval: '1s', timeout: '2s', pidfile: join(s, 'diskcheck.pid') };
    case 'pgsql':
      return { pgdata: join(s, 'pgdata'), socketdir: join(s, 'run'), pgport: '5499', logfile: join(s, 'pg.log') };
    default:
      return {};
  }
}

/** The agent's parameters, as its meta-data lists them. */
function parameterNames(agent: string): string[] {
  const md = spawnSync(join(AGENT_DIR, agent), ['meta-data'], { encoding: 'utf8' }).stdout;
  return [...md.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1] as string);
}

export interface Matrix {
  /** Agents and, per agent, the parameters to try (all when undefined). */
  agents: Record<string, string[] | undefined>;
  /** Hostile value names to try (all when undefined). */
  values?: string[];
  actions: string[];
  cli: boolean | string[];
  cibs: boolean | string[];
}

/** The sandbox every case runs in: a FIFO, a directory, canary names. */
export interface Sandbox {
  dir: string;
  canary: (n: number) => string;
  cleanup(): void;
}

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-hostile-'));
  chmodSync(dir, 0o755);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  mkdirSync(join(dir, 'canaries'));
  return { dir, canary: (n) => join(dir, 'canaries', `PWNED-${n}`), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function agentCases(sb: Sandbox, m: Matrix): Case[] {
  const cases: Case[] = [];
  const values = hostileValues(sb.dir, sb.canary);
  const valueNames = m.values ?? Object.keys(values);
  const netns = process.getuid?.() === 0 ? ['unshare', '-n', '--'] : [];
  for (const [agent, only] of Object.entries(m.agents)) {
    const params = only ?? parameterNames(agent);
    for (const param of params)
      for (const v of valueNames)
        for (const action of m.actions) {
          const spec = {
            id: 'hostile',
            provider: 'ocfkit',
            type: agent,
            params: { ...baseParams(agent, sb.dir), [param]: values[v] as string },
          };
          const env = agentEnv({ baseEnv: inheritedEnv(process.env), ocfRoot: '/usr/lib/ocf', nodeName: 'hostile-node' }, spec, {
            rsc: 'hostile',
            action,
            timeoutMs: 10_000,
          });
          cases.push({
            cls: 'agent',
            label: `${agent} ${action} ${param}=<${v}>`,
            argv: [...netns, join(AGENT_DIR, agent), action],
            env,
            deadlineMs: 15_000,
            allowed: [0, 1, 2, 3, 4, 5, 6, 7],
            maxRssMiB: 200,
          });
        }
  }
  return cases;
}

/** `ocfkit` with hostile arguments: every command, each usage or input error a clear message. */
function cliArgvs(sb: Sandbox): Record<string, string[]> {
  const s = sb.dir;
  const long = 'x'.repeat(200);
  return {
    'no command': [],
    'unknown command': ['frobnicate'],
    'proto command': ['__proto__'],
    'build bad provider': ['build', '-p', '../../etc', '-o', join(s, 'out'), join(ROOT, 'agents', 'Dummy')],
    'build shebang newline': ['build', '--shebang', '#!/bin/sh\nrm -rf /', '-o', join(s, 'out'), join(ROOT, 'agents', 'Dummy')],
    'build missing path': ['build', '-o', join(s, 'out'), join(s, 'nonexistent')],
    'build fifo': ['build', '-o', join(s, 'out'), join(s, 'fifo')],
    'install empty provider': ['install', '-p', '', '--destdir', join(s, 'dest'), '--from', join(s, 'nothing')],
    'install injection shebang': ['install', '--shebang', `#!/bin/sh\n$(touch ${sb.canary(11)})`, '--destdir', join(s, 'dest')],
    'new traversal': ['new', '-d', s, '../../escape'],
    'new option name': ['new', '-d', s, '--', '-rf'],
    'meta dev zero': ['meta', '/dev/zero'],
    'meta fifo': ['meta', join(s, 'fifo')],
    'meta true': ['meta', '/bin/true'],
    'meta directory': ['meta', s],
    'exec no agent': ['exec'],
    'exec bad spec': ['exec', 'ocf:../..:Dummy', 'monitor'],
    'exec injection spec': ['exec', `ocf:heartbeat:$(touch ${sb.canary(12)})`, 'monitor'],
    'exec timeout zero': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-t', '0'],
    'exec timeout huge': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-t', '9999999999s'],
    'exec timeout junk': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-t', '1e309'],
    'exec param no equals': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-p', 'state'],
    'exec check level junk': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-L', '-1'],
    'exec output junk': ['exec', 'ocf:heartbeat:Dummy', 'monitor', '-o', 'yaml'],
    'exec agent file dev zero': ['exec', 'ocf:x:y', 'monitor', '-f', '/dev/zero'],
    'exec agent file fifo': ['exec', 'ocf:x:y', 'monitor', '-f', join(s, 'fifo')],
    'exec private param': [
      'exec',
      'ocf:ocfkit:pgsql',
      'monitor',
      '-A',
      join(ROOT, 'agents', 'dist', 'ocf', 'resource.d'),
      '-p',
      `pgdata=${join(s, 'nopg')}`,
      '-p',
      'monitor_password=s3cret',
      '-o',
      'json',
    ],
    'engine no sub': ['engine'],
    'engine bad sub': ['engine', 'frob'],
    'simulate missing': ['engine', 'simulate', join(s, 'nonexistent.xml')],
    'simulate dev zero': ['engine', 'simulate', '/dev/zero'],
    'simulate fifo': ['engine', 'simulate', join(s, 'fifo')],
    'simulate directory': ['engine', 'simulate', s],
    'simulate now junk': ['engine', 'simulate', join(FIXTURES, 'sample-cib.xml'), '--now', 'yesterday'],
    'simulate graph format junk': ['engine', 'simulate', join(FIXTURES, 'sample-cib.xml'), '-G', join(s, 'g'), '--graph-format', 'dot'],
    'simulate save into dir': ['engine', 'simulate', join(FIXTURES, 'sample-cib.xml'), '-G', s],
    'attr long socket': ['attr', 'get', 'x', '-S', join(s, long)],
    'attr no server': ['attr', 'list', '-S', join(s, 'no.sock')],
    'attr fifo socket': ['attr', 'get', 'x', '-S', join(s, 'fifo')],
    'attr bad dampen': ['attr', 'set', 'a', 'b', '-d', 'forever', '-S', join(s, 'no.sock')],
    'attr bad sub': ['attr', 'frob'],
    'member bad sub': ['member', 'frob'],
    'member status missing': ['member', 'status', '-s', join(s, 'nomember')],
    'member status dev zero': ['member', 'status', '-s', '/dev/zero'],
    'node bad sub': ['node', 'frob'],
    'node standby no daemon': ['node', 'standby', '--run-dir', join(s, 'norun')],
    'node start bad controller': ['node', 'start', '--controller', 'evil', '--run-dir', join(s, 'norun')],
    'node start bad group': ['node', 'start', '--group', 'no-such-group-x', '--run-dir', join(s, 'norun')],
    'status no daemon': ['status', '--run-dir', join(s, 'norun')],
    'status bad format': ['status', '--output-as', 'yaml'],
    'status bad interval': ['status', '-w', '-i', '0s'],
    'cib no daemon': ['cib', 'query', '--run-dir', join(s, 'norun')],
    'cib bad sub': ['cib', 'frob'],
    'cib replace dev zero': ['cib', 'replace', '/dev/zero', '--run-dir', join(s, 'norun')],
    'cib gen missing': ['cib', 'gen', join(s, 'nothing.csv')],
    'cib gen dev zero': ['cib', 'gen', '/dev/zero'],
    'cib gen bad format': ['cib', 'gen', join(FIXTURES, 'sample-cib.xml'), '-f', 'dot'],
    'resource bad sub': ['resource', 'fly', 'x'],
    'resource no daemon': ['resource', 'start', 'x', '--run-dir', join(s, 'norun')],
    'resource bad timeout': ['resource', 'restart', 'x', '-T', 'soon'],
    'fence no cib': ['fence', 'node1'],
    'fence cib dev zero': ['fence', 'node1', '--cib', '/dev/zero', '--history', join(s, 'h.json')],
    'fence two actions': ['fence', 'node1', '--off', '--on', '--cib', join(FIXTURES, 'sample-cib.xml')],
    'fence history junk file': ['fence', 'history', '--history', join(FIXTURES, 'sample-cib.xml')],
    'fence history dev zero': ['fence', 'history', '--history', '/dev/zero'],
    'conformance no agent': ['conformance'],
    'conformance bad profile': ['conformance', '--profile', 'lrmd', 'ocf:heartbeat:Dummy'],
    'conformance bad budget': ['conformance', '--budget', '-5', 'ocf:heartbeat:Dummy'],
    'conformance params dev zero': ['conformance', '--params', '/dev/zero', 'ocf:heartbeat:Dummy'],
    'conformance bad rig': ['conformance', '--rig', 'vmware', '--scenario', 'seed'],
    'conformance bad scenario': ['conformance', '--rig', 'docker', '--scenario', 'meteor'],
  };
}

function cliCases(sb: Sandbox, only: boolean | string[]): Case[] {
  const all = cliArgvs(sb);
  const names = only === true ? Object.keys(all) : only === false ? [] : only;
  return names.map((label) => ({
    cls: 'cli' as const,
    label,
    argv: [process.execPath, OCFKIT, ...(all[label] as string[])],
    env: { ...inheritedEnv(process.env), OCFKIT_RUN_DIR: join(sb.dir, 'norun') },
    deadlineMs: 30_000,
    // `ocfkit exec` exits with the agent's OCF code; every other command with 0, 1 or 2.
    allowed: all[label]?.[0] === 'exec' ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 1, 2],
    maxRssMiB: 300,
    ...(label === 'exec private param' ? { secret: 's3cret' } : {}),
  }));
}

/** Hostile CIBs (written into the sandbox), and the peak RSS each may take. */
function cibFiles(sb: Sandbox): Record<string, { file: string; maxRssMiB: number; large?: boolean; extra?: string[] }> {
  const s = sb.dir;
  const write = (name: string, text: string) => {
    const f = join(s, name);
    if (!existsSync(f)) writeFileSync(f, text);
    return f;
  };
  const sample = readFileSync(join(FIXTURES, 'sample-cib.xml'), 'utf8');
  const laughs = `<?xml version="1.0"?>\n<!DOCTYPE cib [\n<!ENTITY a "${'x'.repeat(10)}">\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('\n')}\n]>\n<cib>&j;</cib>\n`;
  return {
    'ordering cycle': { file: join(FIXTURES, 'ordering-cycle.xml'), maxRssMiB: 300 },
    'clone-max 10^8': { file: join(FIXTURES, 'clone-max-huge.xml'), maxRssMiB: 300 },
    'malformed scores and values': { file: join(FIXTURES, 'malformed-meta.xml'), maxRssMiB: 300 },
    'billion laughs': { file: write('laughs.xml', laughs), maxRssMiB: 300 },
    XXE: {
      file: write('xxe.xml', `<?xml version="1.0"?>\n<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<cib>&x;</cib>\n`),
      maxRssMiB: 300,
    },
    empty: { file: write('empty.xml', ''), maxRssMiB: 300 },
    'not XML': { file: write('junk.xml', '\x00\x01\xff garbage <<<'), maxRssMiB: 300 },
    truncated: { file: write('truncated.xml', sample.slice(0, Math.floor(sample.length / 2))), maxRssMiB: 300 },
    'deep nesting': {
      file: write('deep.xml', `<cib>${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}</cib>`),
      maxRssMiB: 400,
      large: true,
    },
    'huge attribute': {
      file: write('huge-attr.xml', sample.replace('<cib ', `<cib x="${'A'.repeat(20_000_000)}" `)),
      maxRssMiB: 600,
      large: true,
    },
    'many resources 100x1000 --scores': {
      file: write('big.xml', exportCib(benchCib(100, 1000, { steady: false }))),
      maxRssMiB: 800,
      large: true,
      extra: ['--scores'],
    },
  };
}

function cibCases(sb: Sandbox, only: boolean | string[]): Case[] {
  if (only === false) return [];
  const all = cibFiles(sb);
  const names = only === true ? Object.keys(all) : only;
  return names.map((label) => {
    const c = all[label] as ReturnType<typeof cibFiles>[string];
    return {
      cls: 'cib' as const,
      label,
      argv: [process.execPath, OCFKIT, 'engine', 'simulate', c.file, '--now', '1800000000', ...(c.extra ?? [])],
      env: inheritedEnv(process.env),
      deadlineMs: 120_000,
      allowed: [0, 1, 2],
      maxRssMiB: c.maxRssMiB,
      ...(c.large ? { large: true } : {}),
    };
  });
}

/** Every case of a matrix. */
export function campaignCases(sb: Sandbox, m: Matrix): Case[] {
  return [...agentCases(sb, m), ...cliCases(sb, m.cli), ...cibCases(sb, m.cibs)];
}

const STACK = /^\s+at (?:[^\n]+ \()?(?:file:|node:|\/)[^\n]*:\d+:\d+\)?$/m;

/** Runs one case under GNU time with its deadline. */
export function runCase(c: Case, sb: Sandbox, n: number): Promise<Outcome> {
  const stats = join(sb.dir, `time-${n}.txt`);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn('/usr/bin/time', ['-o', stats, '-f', 'RSS %M', ...c.argv], {
      cwd: sb.dir,
      env: c.env ?? {},
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const keep = (b: Buffer) => {
      if (output.length < 1_000_000) output += b.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, c.deadlineMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      let stat = '';
      try {
        stat = readFileSync(stats, 'utf8');
        rmSync(stats, { force: true });
      } catch {
        // killed before time wrote it
      }
      const rss = /RSS (\d+)/.exec(stat);
      const rssMiB = rss ? Number(rss[1]) / 1024 : 0;
      // GNU time reports a child killed by a signal as "Command terminated by signal N".
      const killed = /Command terminated by signal (\d+)/.exec(stat);
      done({
        c,
        status: killed ? null : status,
        signal: killed ? `signal ${killed[1]}` : signal,
        hung,
        stackTrace: STACK.test(output),
        rssMiB,
        ms: Date.now() - started,
        output,
      });
    });
  });
}

/** Modes and owners of the places a hostile run could damage. */
export function permissionSnapshot(sb: Sandbox): Map<string, string> {
  const paths = ['/', '/tmp', '/var/tmp', '/dev/shm', '/etc', '/etc/passwd', '/run', '/dev/null', '/dev/zero', tmpdir(), ROOT];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (/^time-\d+\.txt$/.test(e.name)) continue;
      const p = join(dir, e.name);
      paths.push(p);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
    }
  };
  paths.push(sb.dir);
  walk(sb.dir);
  const out = new Map<string, string>();
  for (const p of paths) {
    try {
      const st = lstatSync(p);
      out.set(p, `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`);
    } catch {
      out.set(p, 'absent');
    }
  }
  return out;
}

/** Paths whose mode or owner changed (new files in the sandbox are not changes of permissions). */
export function changedPermissions(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [p, was] of before) {
    const now = after.get(p) ?? 'absent';
    if (now !== was && now !== 'absent') changed.push(`${p}: ${was} -> ${now}`);
  }
  return changed;
}

/** What went wrong in one outcome, or [] when it held. */
export function problems(o: Outcome): string[] {
  const p: string[] = [];
  if (o.hung) p.push(`hang (killed after ${o.c.deadlineMs} ms)`);
  else if (o.status === null) p.push(`killed by ${o.signal}`);
  else if (!o.c.allowed.includes(o.status)) p.push(`exit ${o.status}`);
  if (o.stackTrace) p.push('stack trace');
  if (o.c.secret !== undefined && o.output.includes(o.c.secret)) p.push('private value printed');
  if (o.rssMiB > o.c.maxRssMiB) p.push(`peak RSS ${o.rssMiB.toFixed(0)} MiB > ${o.c.maxRssMiB}`);
  return p;
}

export interface CampaignResult {
  outcomes: Outcome[];
  injections: string[];
  permissionChanges: string[];
}

/** Runs the cases, `jobs` at a time; `progress` gets a line every 100 runs. */
export async function runCampaign(cases: Case[], sb: Sandbox, jobs = 2, progress?: (line: string) => void): Promise<CampaignResult> {
  const before = permissionSnapshot(sb);
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      outcomes[i] = await runCase(cases[i] as Case, sb, i);
      const done = outcomes.filter(Boolean).length;
      if (progress && done % 100 === 0) progress(`${done}/${cases.length} runs`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const canaries = readdirSync(join(sb.dir, 'canaries'));
  return {
    outcomes,
    injections: canaries.map((c) => join(sb.dir, 'canaries', c)),
    permissionChanges: changedPermissions(before, permissionSnapshot(sb)),
  };
}

/** The summary table: per class, runs, stack traces, hangs, bad exits, over-memory runs, peak RSS. */
export function summary(r: CampaignResult): string {
  const lines = [
    '| class | runs | stack traces | hangs | bad exits/signals | over memory bound | peak RSS (MiB) | wall (s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const cls of ['agent', 'cli', 'cib'] as const) {
    const os = r.outcomes.filter((o) => o.c.cls === cls);
    if (os.length === 0) continue;
    const count = (f: (o: Outcome) => boolean) => os.filter(f).length;
    lines.push(
      `| ${cls} | ${os.length} | ${count((o) => o.stackTrace)} | ${count((o) => o.hung)} | ${count((o) => !o.hung && (o.status === null || !o.c.allowed.includes(o.status)))} | ${count((o) => o.rssMiB > o.c.maxRssMiB)} | ${Math.max(...os.map((o) => o.rssMiB)).toFixed(0)} | ${(os.reduce((t, o) => t + o.ms, 0) / 1000).toFixed(0)} |`,
    );
  }
  lines.push('', `shell injections (canary files created): ${r.injections.length}`, `changed permissions: ${r.permissionChanges.length}`);
  const large = r.outcomes.filter((o) => o.c.large);
  if (large.length > 0) {
    lines.push('', 'large cases: peak RSS (bound), wall time');
    for (const o of large)
      lines.push(`  ${o.c.label}: ${o.rssMiB.toFixed(0)} MiB (${o.c.maxRssMiB}), ${(o.ms / 1000).toFixed(1)} s, exit ${o.status}`);
  }
  const bad = r.outcomes.filter((o) => problems(o).length > 0);
  if (bad.length > 0) {
    lines.push('', 'failures:');
    for (const o of bad.slice(0, 50))
      lines.push(`  ${o.c.label}: ${problems(o).join(', ')}\n    ${o.output.slice(0, 400).replaceAll('\n', '\n    ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The whole matrix: every built agent and parameter, every hostile value, every CLI case and CIB. */
export const FULL: Matrix = {
  agents: { Dummy: undefined, IPaddr: undefined, Xen: undefined, diskcheck: undefined, pgsql: undefined },
  actions: ['validate-all', 'monitor'],
  cli: true,
  cibs: true,
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const sb = makeSandbox();
  try {
    const cases = campaignCases(sb, FULL);
    const jobs = Number(process.env.OCFKIT_HOSTILE_JOBS ?? 2);
    process.stderr.write(`hostile campaign: ${cases.length} runs, ${jobs} at a time\n`);
    const r = await runCampaign(cases, sb, jobs, (l) => process.stderr.write(`${l}\n`));
    process.stdout.write(summary(r));
    const failed = r.outcomes.some((o) => problems(o).length > 0) || r.injections.length > 0 || r.permissionChanges.length > 0;
    process.exitCode = failed ? 1 : 0;
  } finally {
    sb.cleanup();
  }
}
