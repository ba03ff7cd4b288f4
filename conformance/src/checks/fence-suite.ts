import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { type AgentRun, type FenceMetadata, parseFenceMetadata, spawnAgent } from '@ocfkit/engine';
import { FENCE_RULES, fenceRule } from './fence-rules';
import type { Finding, RuleResult } from './findings';

/** The grammar pcs checks stonith agents' meta-data against (fence-agents print OCF 1.0 shapes). */
const PCS_OCF_1_0_RNG = '/usr/share/pcs/data/ocf-1.0.rng';

function validateRng(xml: string, rng: string): { valid: true } | { valid: false; errors: string } | { unavailable: string } {
  if (!existsSync(rng)) return { unavailable: `${rng} is not installed (Debian package pcs)` };
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--relaxng', rng, '-'], { input: xml, encoding: 'utf8' });
  if (r.error) return { unavailable: `xmllint could not run: ${r.error.message}` };
  if (r.status === 0) return { valid: true };
  const errors = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/fails to validate|validates$/.test(l))
    .slice(0, 3)
    .join('; ');
  return { valid: false, errors: errors || `xmllint exit ${r.status}` };
}

/** How to check one fence agent. */
interface FenceSuiteOptions {
  /** Device parameters (`ip`, `status_file`, ...), as in the stonith: primitive. */
  params?: Record<string, string>;
  /** The target's plug (a plug-based agent needs one it may power off and on). */
  plug?: string;
  /** Per-action timeout; default 30 s. */
  timeoutMs?: number;
  /** Progress: called after every run. */
  onRun?: (label: string, run: AgentRun) => void;
}

interface FenceSuiteReport {
  agent: { path: string; name: string };
  results: RuleResult[];
  counts: { passed: number; failed: number; warnings: number; skipped: number };
  log: { label: string; rc: number; execStatus: string; durationMs: number }[];
  durationMs: number;
}

class FenceFindings {
  private readonly byRule = new Map<string, Finding[]>();
  check(id: string, ok: boolean, message: string): boolean {
    fenceRule(id);
    this.byRule.set(id, [...(this.byRule.get(id) ?? []), { ok, message }]);
    return ok;
  }
  skip(id: string, message: string): void {
    fenceRule(id);
    this.byRule.set(id, [...(this.byRule.get(id) ?? []), { ok: 'skip', message }]);
  }
  results(): RuleResult[] {
    return FENCE_RULES.map((rule) => {
      const all = this.byRule.get(rule.id) ?? [];
      const failed = all.filter((f) => f.ok === false);
      const held = all.filter((f) => f.ok === true);
      if (failed.length > 0) return { ...rule, status: 'failed', findings: failed };
      if (held.length > 0) return { ...rule, status: 'passed', findings: held };
      return { ...rule, status: 'skipped', findings: all.length > 0 ? all : [{ ok: 'skip', message: 'not exercised' }] };
    });
  }
}

/** `--name=[x]` of a `<getopt mixed="-a, --ip=[ip]"/>`: the long option, and whether it takes a value. */
function longOptions(xml: string): Map<string, { long: string; value: boolean }> {
  const out = new Map<string, { long: string; value: boolean }>();
  for (const m of xml.matchAll(/<parameter\s+name="([^"]+)"[^>]*>\s*<getopt\s+mixed="([^"]*)"/g)) {
    const long = /--([A-Za-z0-9_-]+)(=)?/.exec(m[2] ?? '');
    if (m[1] && long?.[1]) out.set(m[1], { long: long[1], value: long[2] === '=' });
  }
  return out;
}

/** Pacemaker's fencer reading the meta-data of an agent that is not (yet) in /usr/sbin. */
function stonithAdminMetadata(path: string, name: string): { ok: boolean; detail: string } | { unavailable: string } {
  if (spawnSync('sh', ['-c', 'command -v stonith_admin && command -v unshare'], { stdio: 'ignore' }).status !== 0) {
    return { unavailable: 'stonith_admin or unshare is not installed' };
  }
  if (process.getuid?.() !== 0) return { unavailable: 'needs root to show the agent to stonith_admin in a private mount namespace' };
  const dir = path.slice(0, -name.length - 1);
  // An overlay over /usr/sbin in a private mount namespace: stonith_admin finds the agent where
  // Pacemaker looks, and nothing on the host changes.
  const script =
    dir === '/usr/sbin'
      ? 'exec stonith_admin --metadata --agent "$1"'
      : 'mount -t overlay overlay -o "lowerdir=$2:/usr/sbin" /usr/sbin && exec stonith_admin --metadata --agent "$1"';
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', name, dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0 && /<resource-agent\b/.test(r.stdout)) return { ok: true, detail: 'stonith_admin --metadata printed it' };
  return {
    ok: false,
    detail: `stonith_admin --metadata --agent ${name} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? ''}`,
  };
}

/**
 * Checks one fence agent against the fence-agents contract as Pacemaker uses it: meta-data
 * (pcs's RelaxNG and Pacemaker's own reader), monitor/list/status codes, `off` verified by
 * `status` afterwards, `on`, `reboot`, the command line against stdin, unknown actions and
 * timeouts. It powers the target off and on: point it at a test plug.
 *
 * @example
 * const report = await runFenceSuite('/usr/sbin/fence_dummy', { params: { status_file: '/tmp/x' } });
 * report.counts.failed // 0
 */
export async function runFenceSuite(path: string, options: FenceSuiteOptions = {}): Promise<FenceSuiteReport> {
  const began = Date.now();
  const name = basename(path);
  const f = new FenceFindings();
  const log: FenceSuiteReport['log'] = [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const params = options.params ?? {};
  const run = async (label: string, req: { stdin?: Record<string, string>; args?: string[] }): Promise<AgentRun> => {
    const stdin = req.stdin
      ? Object.entries(req.stdin)
          .map(([k, v]) => `${k}=${v}\n`)
          .join('')
      : '';
    const r = await spawnAgent({ path, stdin, timeoutMs, ...(req.args ? { args: req.args } : {}) });
    log.push({ label, rc: r.rc, execStatus: r.execStatus, durationMs: r.durationMs });
    options.onRun?.(label, r);
    f.check(
      'fence.timeouts',
      r.execStatus !== 'timeout',
      `${label}: ${r.execStatus === 'timeout' ? `no answer within ${timeoutMs} ms` : `${r.durationMs} ms`}`,
    );
    return r;
  };
  const act = (action: string, extra: Record<string, string> = {}) =>
    run(`${action}${options.plug ? ` ${options.plug}` : ''}`, {
      stdin: { action, ...(options.plug ? { plug: options.plug } : {}), ...params, ...extra },
    });

  // Meta-data.
  const md = await run('metadata', { args: ['-o', 'metadata'] });
  let meta: FenceMetadata | undefined;
  if (
    f.check(
      'fence.metadata.exit-zero',
      md.rc === 0 && md.stdout.trim() !== '',
      `-o metadata returned ${md.rc} with ${md.stdout.length} bytes`,
    )
  ) {
    try {
      meta = parseFenceMetadata(md.stdout, name);
      f.check('fence.metadata.well-formed', meta.name === name, `<resource-agent name="${meta.name}"> for file ${name}`);
    } catch (err) {
      f.check('fence.metadata.well-formed', false, (err as Error).message);
    }
    const g = validateRng(md.stdout, PCS_OCF_1_0_RNG);
    if ('unavailable' in g) f.skip('fence.metadata.rng', g.unavailable);
    else f.check('fence.metadata.rng', g.valid, g.valid ? `valid against ${PCS_OCF_1_0_RNG}` : `invalid: ${g.errors}`);
    const sa = stonithAdminMetadata(path, name);
    if ('unavailable' in sa) f.skip('fence.metadata.pacemaker', sa.unavailable);
    else f.check('fence.metadata.pacemaker', sa.ok, sa.detail);
  } else {
    for (const id of ['fence.metadata.well-formed', 'fence.metadata.rng', 'fence.metadata.pacemaker']) f.skip(id, 'no meta-data');
  }
  if (!meta) {
    for (const rule of FENCE_RULES)
      if (!rule.id.startsWith('fence.metadata') && rule.id !== 'fence.timeouts') f.skip(rule.id, 'no usable meta-data');
    return finish();
  }
  const has = (a: string) => meta?.actions.has(a) ?? false;
  const missing = ['off', 'reboot', 'status', 'monitor', 'metadata'].filter((a) => !has(a));
  const names = new Set(meta.parameters.map((p) => p.name));
  if (!names.has('action')) missing.push('parameter action');
  if (options.plug && !meta.hostArg) missing.push('parameter plug or port (a plug was configured)');
  f.check(
    'fence.metadata.actions',
    missing.length === 0,
    missing.length ? `missing: ${missing.join(', ')}` : `actions: ${[...meta.actions].join(' ')}`,
  );

  // Device checks.
  if (has('validate-all')) {
    const v = await act('validate-all');
    f.check('fence.validate', v.rc === 0, `validate-all returned ${v.rc}${v.rc ? `: ${lastLine(v.stderr)}` : ''}`);
  } else f.skip('fence.validate', 'validate-all not advertised');
  const mon = await act('monitor');
  f.check('fence.monitor', mon.rc === 0, `monitor returned ${mon.rc}${mon.rc ? `: ${lastLine(mon.stderr)}` : ''}`);
  if (has('list')) {
    const l = await act('list');
    const listed = l.stdout.split(/[\s,;]+/).filter(Boolean);
    f.check('fence.list', l.rc === 0, `list returned ${l.rc}`);
    if (options.plug)
      f.check(
        'fence.list',
        listed.includes(options.plug),
        `list ${listed.includes(options.plug) ? 'names' : 'does not name'} ${options.plug}`,
      );
  } else f.skip('fence.list', 'list not advertised');

  // Status and power.
  const st = await act('status');
  f.check('fence.status', st.rc === 0 || st.rc === 2, `status returned ${st.rc}`);
  if (meta.hostArg) {
    const u = await run('status of an unknown plug', {
      stdin: { action: 'status', plug: `ocfkit-no-such-plug-${process.pid}`, ...params },
    });
    f.check('fence.status-unknown', u.rc !== 0 && u.rc !== 2, `status of an unknown plug returned ${u.rc}`);
  } else f.skip('fence.status-unknown', 'the agent addresses no plugs');
  if (st.rc === 2 && has('on')) {
    // Start from a powered target, so that off has something to do and a lazy off shows.
    const on = await act('on');
    const afterOn = await act('status');
    f.check(
      'fence.on',
      on.rc === 0 && afterOn.rc === 0,
      `on (target was off) returned ${on.rc}, then status returned ${afterOn.rc} (0 = on)`,
    );
  }
  const off = await act('off');
  const afterOff = await act('status');
  f.check('fence.off', off.rc === 0 && afterOff.rc === 2, `off returned ${off.rc}, then status returned ${afterOff.rc} (2 = off)`);
  const off2 = await act('off');
  const afterOff2 = await act('status');
  f.check(
    'fence.off-idempotent',
    off2.rc === 0 && afterOff2.rc === 2,
    `off again returned ${off2.rc}, then status returned ${afterOff2.rc}`,
  );
  if (has('on')) {
    const on = await act('on');
    const afterOn = await act('status');
    f.check('fence.on', on.rc === 0 && afterOn.rc === 0, `on returned ${on.rc}, then status returned ${afterOn.rc} (0 = on)`);
  } else f.skip('fence.on', 'on not advertised');
  const rb = await act('reboot');
  const afterRb = await act('status');
  const want = has('on') ? 0 : 2;
  f.check(
    'fence.reboot',
    rb.rc === 0 && afterRb.rc === want,
    `reboot returned ${rb.rc}, then status returned ${afterRb.rc} (expected ${want})`,
  );

  // The command line, built from the meta-data's getopt options.
  const opts = longOptions(md.stdout);
  const argv = ['-o', 'status'];
  const unmapped: string[] = [];
  for (const [k, v] of Object.entries({ ...(options.plug ? { plug: options.plug } : {}), ...params })) {
    const o = opts.get(k);
    if (!o) unmapped.push(k);
    else if (o.value) argv.push(`--${o.long}=${v}`);
    else if (/^(1|yes|true|on)$/i.test(v)) argv.push(`--${o.long}`);
  }
  if (unmapped.length > 0) f.skip('fence.argv', `no getopt option for ${unmapped.join(', ')}`);
  else {
    const byArgv = await run('status (command line)', { args: argv });
    const byStdin = await act('status');
    f.check('fence.argv', byArgv.rc === byStdin.rc, `status returned ${byArgv.rc} from the command line, ${byStdin.rc} from stdin`);
  }
  const bogus = await run('unknown action', { stdin: { action: 'ocfkit-no-such-action', ...params } });
  f.check('fence.unknown-action', bogus.rc !== 0 && bogus.execStatus === 'done', `an unknown action returned ${bogus.rc}`);
  return finish();

  function finish(): FenceSuiteReport {
    const results = f.results();
    const counts = { passed: 0, failed: 0, warnings: 0, skipped: 0 };
    for (const r of results) {
      if (r.status === 'passed') counts.passed++;
      else if (r.status === 'skipped') counts.skipped++;
      else if (r.severity === 'error') counts.failed++;
      else counts.warnings++;
    }
    return { agent: { path, name }, results, counts, log, durationMs: Date.now() - began };
  }
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? 'no output'
  );
}

/** The human report: every rule with its verdict, failures and skip reasons, and the closing line. */
export function formatFenceText(report: FenceSuiteReport): string {
  const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;
  const lines = [`${report.agent.path} (stonith:${report.agent.name})`];
  for (const r of report.results) {
    lines.push(`${r.status === 'failed' && r.severity === 'warning' ? 'warn' : mark[r.status]} ${r.id.padEnd(28)} ${r.rule}`);
    if (r.status !== 'passed') for (const x of r.findings) lines.push(`       ${r.status === 'skipped' ? 'skipped: ' : '- '}${x.message}`);
  }
  const c = report.counts;
  lines.push(`${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.warnings ? `, ${c.warnings} warnings` : ''}`);
  return `${lines.join('\n')}\n`;
}
