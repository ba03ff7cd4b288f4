/** How bad a broken rule is: `error` fails the run, `warning` is reported only. */
export type Severity = 'error' | 'warning';

/** One contract rule the suite checks: a stable id, a one-line statement and a severity. */
export interface Rule {
  id: string;
  rule: string;
  severity: Severity;
}

const r = (id: string, severity: Severity, rule: string): Rule => ({ id, rule, severity });

/**
 * Every rule of the single-agent contract checks, in report order (contract §1-§4, appendix).
 * A rule's severity is fixed, except the meta-data grammars: the grammar of the OCF version the
 * agent claims is an error, the others are warnings (see {@link grammarSeverity}).
 *
 * @example
 * RULES.find((x) => x.id === 'lifecycle.probe-stopped')?.rule
 */
export const RULES: readonly Rule[] = [
  r(
    'agent.interpreter-on-path',
    'warning',
    'an agent started with #!/usr/bin/env NAME finds NAME on the PATH pacemaker-execd gives agents',
  ),
  r('metadata.exit-zero', 'error', 'meta-data exits 0 and prints the XML on stdout'),
  r('metadata.well-formed', 'error', 'meta-data is well-formed XML with a <resource-agent name=...> root'),
  r('metadata.deterministic', 'error', 'meta-data prints the same document every time'),
  r('metadata.unprivileged', 'error', 'meta-data works as a non-root user, without parameters and with no agent binaries on PATH'),
  r('metadata.dtd', 'warning', 'meta-data is valid against ra-api-1.dtd (what ocf-tester checks)'),
  r('metadata.ra-rng', 'warning', "meta-data is valid against resource-agents' metadata.rng (what `make check` upstream checks)"),
  r('metadata.ocf-1.1-rng', 'warning', 'meta-data is valid against the OCF 1.1 RelaxNG that pcs ships'),
  r('metadata.actions', 'error', 'meta-data advertises start, stop, monitor and meta-data, each with a parsable timeout'),
  r('validate.good', 'error', 'validate-all returns 0 with good parameters'),
  r('validate.missing-required', 'error', "validate-all returns 6 when a required parameter is missing (OCF 1.0's 2: a warning)"),
  r('validate.invalid-value', 'error', 'validate-all returns 6 (or 2 when host-specific) for a configured invalid value'),
  r('validate.typed-value', 'warning', "validate-all returns 6 (or 2) for a value the meta-data's own content type rules out"),
  r(
    'lifecycle.probe-stopped',
    'error',
    'a probe (no CRM_meta_interval) of a stopped resource returns 7 (or 5/2, which Pacemaker masks, where the resource cannot start)',
  ),
  r('lifecycle.monitor-stopped', 'error', 'a recurring monitor of a stopped resource returns 7'),
  r('lifecycle.start', 'error', 'start of a stopped resource returns 0'),
  r('lifecycle.monitor-running', 'error', 'after start, monitor and probe return 0'),
  r('lifecycle.start-idempotent', 'error', 'start of a running resource returns 0 and it stays running'),
  r('lifecycle.stop', 'error', 'stop of a running resource returns 0 and monitor then returns 7'),
  r('lifecycle.stop-idempotent', 'error', 'stop of a stopped resource (also right after a failed start) returns 0 and it stays stopped'),
  r('probe.binaries-hidden', 'error', 'a probe with the agent binaries hidden returns 7, or 5/2 which Pacemaker masks (never 0, 1 or 6)'),
  r('promotable.cycle', 'error', 'as a promotable clone: monitor 8 after promote, 0 after demote, both idempotent'),
  r('reload.agent', 'error', 'reload-agent, when advertised, returns 0 and the resource keeps running'),
  r('reload.version', 'warning', 'reload-agent is advertised only with <version> 1.1 or later (Pacemaker ignores it otherwise)'),
  r('migrate.cycle', 'error', 'migrate_to and migrate_from, when advertised, return 0 and leave the resource running'),
  r('notify.zero', 'error', 'notify returns 0 when advertised or run as a clone (3 tolerated when not advertised)'),
  r('action.unknown', 'error', "an unknown action returns 3 (LSB's 2: a warning)"),
  r(
    'timing.within-advertised',
    'error',
    'every action finishes inside the timeout its own meta-data advertises (not counting time spent waiting for a CPU on a busy host)',
  ),
  r(
    'exit-reason.present',
    'warning',
    'every failing result carries an exit reason (recommended: OCF and Pacemaker do not require one, but without it users see only a code)',
  ),
  r('exit-reason.length', 'warning', 'exit reasons fit in 128 characters (Pacemaker cuts the rest)'),
  r('process.no-orphans', 'error', 'no process is left behind after an action (after start only the service itself)'),
  r('output.stdout-quiet', 'warning', 'nothing is printed on stdout outside meta-data'),
  r('robust.kill-during-start', 'error', 'after a start killed by SIGKILL, stop returns 0 and monitor 7'),
  r('robust.two-instances', 'error', 'two instances with different names and parameters do not interfere'),
  r(
    'suite.budget',
    'error',
    'the whole run fits in its time budget (--budget, default 600 s): an agent whose actions hang cannot hold the suite',
  ),
];

/** The rule with this id; throws on an unknown id (a typo in a check is a bug). */
export function ruleById(id: string): Rule {
  const rule = RULES.find((x) => x.id === id);
  if (!rule) throw new Error(`unknown conformance rule ${JSON.stringify(id)}`);
  return rule;
}

/** The three meta-data grammars and the rule reporting each. */
export type Grammar = 'dtd' | 'ra-rng' | 'ocf-1.1-rng';

/**
 * The severity of a grammar for an agent claiming OCF `version`: the grammar of that version is
 * an error (1.0 or none → the DTD, 1.1+ → the OCF 1.1 RNG); the others are warnings.
 *
 * @example
 * grammarSeverity('dtd', '1.1') // 'warning'
 */
export function grammarSeverity(grammar: Grammar, version: string | undefined): Severity {
  const v11 = version !== undefined && Number.parseFloat(version) >= 1.1;
  if (grammar === 'ocf-1.1-rng') return v11 ? 'error' : 'warning';
  if (grammar === 'dtd') return v11 ? 'warning' : 'error';
  return 'warning';
}
