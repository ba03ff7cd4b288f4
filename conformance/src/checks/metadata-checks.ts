import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OpRecord, RunOptions } from '../runner/agent-runner';
import { reachableCopy } from '../runner/reachable-copy';
import { type CheckContext, describeResult, skipAll } from './context';
import { GRAMMAR_USERS, validateGrammar } from './grammars';
import { advertises, parseMetaData } from './metadata-model';
import { timeoutOf } from './observers';
import { type Grammar, grammarSeverity } from './rules';

const MANDATORY = ['start', 'stop', 'monitor', 'meta-data'];
const GRAMMARS: Grammar[] = ['dtd', 'ra-rng', 'ocf-1.1-rng'];
const RULE_OF: Record<Grammar, string> = { dtd: 'metadata.dtd', 'ra-rng': 'metadata.ra-rng', 'ocf-1.1-rng': 'metadata.ocf-1.1-rng' };

/**
 * meta-data: exit 0, well-formed, deterministic, unprivileged (nobody, no parameters, binaries
 * hidden), the three grammars (the one for the claimed OCF version is an error), mandatory
 * actions with timeouts. Sets `ctx.md` when the document is usable.
 *
 * @example
 * await metaDataChecks(ctx); if (ctx.md) console.log(ctx.md.version);
 */
export async function metaDataChecks(ctx: CheckContext): Promise<void> {
  const { findings: f } = ctx;
  const first = await metaData(ctx, { label: 'meta-data', direct: true });
  const r = first.result;
  const okExit = f.check(
    'metadata.exit-zero',
    succeeded(first),
    `meta-data ${describeResult(first)} with ${r.stdout.length} bytes on stdout${r.stdout.trim() === '' ? stderrTail(r.stderr) : ''}`,
  );
  const later = ['metadata.well-formed', 'metadata.deterministic', ...Object.values(RULE_OF), 'metadata.actions', 'reload.version'];
  if (!okExit) {
    skipAll(ctx, [...later, 'metadata.unprivileged'], 'meta-data did not succeed even as root');
    return;
  }
  const md = parseMetaData(r.stdout);
  if ('error' in md) {
    f.check('metadata.well-formed', false, md.error);
    skipAll(ctx, later.slice(1), 'meta-data is not well-formed');
  } else {
    f.check('metadata.well-formed', true, `<resource-agent name="${md.name}">, OCF version ${md.version ?? '(none)'}`);
    ctx.md = md;
    ctx.mdXml = r.stdout;
  }
  // the first run was judged against the controller's 30 s; now the agent's own timeout is known
  if (!('error' in md)) await ctx.runner.againIfSlow(first, timeoutOf(md, 'meta-data'), { label: 'meta-data', direct: true });
  const again = await metaData(ctx, { label: 'meta-data again', direct: true });
  deterministic(ctx, again, r.stdout);
  await unprivileged(ctx, r.stdout);
  if ('error' in md) return;
  for (const g of GRAMMARS) {
    const rule = RULE_OF[g];
    f.setSeverity(rule, grammarSeverity(g, md.version));
    const v = validateGrammar(r.stdout, g);
    if ('unavailable' in v) f.skip(rule, v.unavailable);
    else if (g === 'dtd' && !/<!DOCTYPE\s+resource-agent/.test(r.stdout))
      f.check(
        rule,
        false,
        `no <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">: ocf-tester's xmllint --valid exits 4 (${v.valid ? 'the content itself is valid' : v.errors})`,
      );
    else if (v.valid) f.check(rule, true, `valid against ${g}`);
    else f.check(rule, false, `${GRAMMAR_USERS[g]}: ${v.errors}${versionNote(g, md.version)}`);
  }
  const missing = MANDATORY.filter((a) => !advertises(md, a));
  const noTimeout = md.actions.filter((a) => a.timeoutMs === undefined).map((a) => `${a.name} (timeout=${a.timeout ?? 'missing'})`);
  f.check(
    'metadata.actions',
    missing.length === 0 && noTimeout.length === 0,
    missing.length + noTimeout.length === 0
      ? `advertises ${md.actions.map((a) => a.name).join(', ')}, all with timeouts`
      : [
          missing.length ? `missing actions: ${missing.join(', ')}` : '',
          noTimeout.length ? `no parsable timeout: ${noTimeout.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
  );
  if (advertises(md, 'reload-agent')) {
    const v11 = md.version !== undefined && Number.parseFloat(md.version) >= 1.1;
    f.check(
      'reload.version',
      v11,
      v11
        ? `reload-agent with <version>${md.version}`
        : `reload-agent advertised with <version>${md.version ?? '(none)'}: Pacemaker 2.1 only uses it from 1.1 on (contract §1.5)`,
    );
  } else f.skip('reload.version', 'reload-agent is not advertised');
}

function versionNote(g: Grammar, version: string | undefined): string {
  const v11 = version !== undefined && Number.parseFloat(version) >= 1.1;
  if (v11 && g !== 'ocf-1.1-rng') return ` (expected for OCF ${version} meta-data using 1.1 features: the old grammars predate them)`;
  return '';
}

/** rc 0, ran to completion, and printed something. */
function succeeded(rec: OpRecord): boolean {
  return rec.result.rc === 0 && rec.result.execStatus === 'done' && rec.result.stdout.trim() !== '';
}

/** ` (stderr: ...)`: what an agent that printed no document said instead. */
function stderrTail(stderr: string): string {
  const t = stderr.trim();
  return t === '' ? ' and nothing on stderr' : ` (stderr: ${JSON.stringify(t.slice(-200))})`;
}

/**
 * The same document twice. Only successful runs are compared: a second run that failed or was
 * killed at its timeout is that failure (timing.within-advertised judges a timeout), not "a
 * different document".
 */
export function deterministic(ctx: Pick<CheckContext, 'findings'>, again: OpRecord, reference: string): void {
  const rule = 'metadata.deterministic';
  const r = again.result;
  if (r.execStatus === 'timeout')
    ctx.findings.skip(rule, `meta-data again ${describeResult(again)}: nothing to compare (timing.within-advertised judges the timeout)`);
  else if (!succeeded(again))
    ctx.findings.check(
      rule,
      false,
      `meta-data again ${describeResult(again)} with ${r.stdout.length} bytes on stdout${r.stdout.trim() === '' ? stderrTail(r.stderr) : ''}; the first run printed the document`,
    );
  else
    ctx.findings.check(
      rule,
      r.stdout === reference,
      r.stdout === reference
        ? 'two runs printed the same document'
        : `a second run printed a different document (${r.stdout.length} vs ${reference.length} bytes)${firstDifference(reference, r.stdout)}`,
    );
}

/** `; first difference at line N: "..." vs "..."`. */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i])
      return `; first difference at line ${i + 1}: ${JSON.stringify((la[i] ?? '(end)').trim().slice(0, 100))} vs ${JSON.stringify((lb[i] ?? '(end)').trim().slice(0, 100))}`;
  return '';
}

/**
 * Runs meta-data; an empty document with rc 0 is read once more before it counts (on a heavily
 * loaded host the executor has been seen to lose a short output; an agent that really prints
 * nothing prints nothing twice).
 */
async function metaData(ctx: CheckContext, opts: RunOptions): Promise<OpRecord> {
  const rec = await ctx.runner.run('meta-data', opts);
  if (rec.result.rc !== 0 || rec.result.execStatus !== 'done' || rec.result.stdout.trim() !== '') return rec;
  return ctx.runner.run('meta-data', { ...opts, label: `${opts.label} (read again: the first printed nothing)` });
}

async function unprivileged(ctx: CheckContext, reference: string): Promise<void> {
  const rule = 'metadata.unprivileged';
  if (!ctx.canSwitchUser) {
    ctx.findings.skip(rule, 'not running as root: cannot run meta-data as nobody');
    return;
  }
  // Judge the agent's own permissions, not where it sits: a private checkout would fail any agent.
  const copy = reachableCopy(ctx.runner.agentPath);
  let rec: OpRecord;
  try {
    rec = await metaData(ctx, {
      label: copy
        ? `meta-data as nobody, binaries hidden (from a copy: ${copy.blockedBy} is private)`
        : 'meta-data as nobody, binaries hidden',
      direct: true,
      ...(copy ? { path: copy.path } : {}),
      user: 'nobody',
      env: { PATH: ctx.sandboxPath, OCF_TESTER_FAIL_HAVE_BINARY: '1' },
    });
  } finally {
    if (copy) rmSync(dirname(copy.path), { recursive: true, force: true });
  }
  const r = rec.result;
  if (r.execStatus === 'timeout')
    ctx.findings.skip(rule, `meta-data as nobody ${describeResult(rec)}: nothing to compare (timing.within-advertised judges the timeout)`);
  else if (r.rc !== 0 || r.execStatus !== 'done') {
    ctx.findings.check(
      rule,
      false,
      `meta-data as nobody with PATH=${ctx.sandboxPath} and OCF_TESTER_FAIL_HAVE_BINARY=1 ${describeResult(rec)}${unreachable(r)}`,
    );
  } else if (r.stdout !== reference) {
    ctx.findings.check(
      rule,
      false,
      `meta-data as nobody with binaries hidden printed a different document than as root (${r.stdout.length} vs ${reference.length} bytes)${firstDifference(reference, r.stdout)}`,
    );
  } else ctx.findings.check(rule, true, 'meta-data works as nobody, without parameters, with binaries hidden');
}

/** A hint when nobody could not even execute the file. */
function unreachable(r: { execStatus: string; rc: number; stderr: string }): string {
  return r.execStatus === 'not-installed' || r.rc === 4 || /setpriv: failed to execute/.test(r.stderr)
    ? ' (can nobody reach the file? every directory on its path must be searchable by others)'
    : '';
}
