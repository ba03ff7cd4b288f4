import type { Rule, Severity } from './rules';

const r = (id: string, severity: Severity, rule: string): Rule => ({ id, rule, severity });

/**
 * The contract of a fence agent (the RHCS/fence-agents interface pacemaker-fenced drives), in
 * report order. What Pacemaker relies on: meta-data it can parse, `monitor`/`list`/`status`
 * answers for device checks and `pcmk_host_check`, and an `off` that really powers off.
 */
export const FENCE_RULES: readonly Rule[] = [
  r('fence.metadata.exit-zero', 'error', '-o metadata exits 0 and prints the XML on stdout'),
  r('fence.metadata.well-formed', 'error', 'meta-data is well-formed XML with <resource-agent name=...> naming the agent file'),
  r('fence.metadata.rng', 'error', 'meta-data is valid against the OCF 1.0 RelaxNG that pcs validates fence agents with'),
  r('fence.metadata.pacemaker', 'error', "Pacemaker's fencer reads the meta-data (stonith_admin --metadata --agent)"),
  r(
    'fence.metadata.actions',
    'error',
    'meta-data advertises off, reboot, status, monitor and metadata; action and (for plug devices) plug/port are parameters',
  ),
  r('fence.validate', 'error', 'validate-all (when advertised) returns 0 with good parameters'),
  r('fence.monitor', 'error', 'monitor returns 0 while the device is reachable'),
  r('fence.list', 'error', 'list (when advertised) returns 0 and names the configured plug'),
  r('fence.status', 'error', 'status of the target returns 0 (on) or 2 (off)'),
  r('fence.status-unknown', 'warning', 'status of a plug the device does not have returns 1, not on/off'),
  r('fence.off', 'error', 'off returns 0 and status afterwards says off (2): the target really is off'),
  r('fence.off-idempotent', 'error', 'off of a target that is already off returns 0 and it stays off'),
  r('fence.on', 'error', 'on (when advertised) returns 0 and status afterwards says on (0)'),
  r('fence.reboot', 'error', 'reboot returns 0 and the target is on again afterwards (off if the agent cannot power on)'),
  r('fence.argv', 'error', 'the command line (-o status and the getopt options of the meta-data) gives the same answer as stdin'),
  r('fence.unknown-action', 'error', 'an unknown action fails (non-zero), never claims success'),
  r('fence.timeouts', 'error', 'every action finishes within its timeout'),
];

/** The rule with this id (throws for an unknown one). */
export function fenceRule(id: string): Rule {
  const rule = FENCE_RULES.find((x) => x.id === id);
  if (!rule) throw new Error(`unknown fence conformance rule ${JSON.stringify(id)}`);
  return rule;
}
