import type { Cib } from '../core/cib-model';
import { flattenSets, parseDurationMs } from '../core/nvsets';
import type { Placement } from '../core/schedule';
import type { OpOutcome } from '../crmd/controller';
import type { ExecAction } from '../crmd/exec-graph';
import { EXEC_STATUS } from '../pcmk/exec-status';
import { fenceDevicesFromCib } from './cib-devices';
import { delayBaseWarnings } from './device';
import type { FenceAction, FencerConfig } from './fencer';
import type { FencingService } from './service';
import { readTopology } from './topology';

/**
 * The fencer's view of a CIB: its `stonith:` devices, registered on every member (where the
 * scheduler places them first), `fencing-topology`, `stonith-timeout` (default 60 s), for this node and the current members.
 * Devices with bad options are returned as `errors` (to log), not registered; so are warnings
 * about a `pcmk_delay_base` map that gives a member another name's delay (prefix matching).
 *
 * @example
 * const { config } = fencerConfigFromCib(cib, schedule({ cib, now }).placements, 'node1', ['node1', 'node2']);
 */
export function fencerConfigFromCib(
  cib: Cib,
  placements: readonly Placement[],
  self: string,
  members: readonly string[],
): { config: FencerConfig; errors: string[] } {
  const found = fenceDevicesFromCib(cib, placements);
  const errors = found.errors;
  // As in Pacemaker, a device is usable from any member, not only where it runs (the scheduler
  // leaves it stopped until its probes are in). Location bans on devices are not honoured yet.
  const registrations = found.registrations.map((r) => ({ ...r, nodes: [...new Set([...r.nodes, ...members])] }));
  const names = [...new Set([...cib.nodes.map((n) => n.uname), ...members])];
  for (const r of registrations) errors.push(...delayBaseWarnings(r.device, names));
  const timeout = parseDurationMs(flattenSets(cib.crmConfig).get('stonith-timeout')) ?? 60_000;
  let levels: FencerConfig['levels'] = [];
  try {
    levels = readTopology(cib);
  } catch (err) {
    errors.push((err as Error).message);
  }
  const nodeAttrs = Object.fromEntries(cib.nodes.map((n) => [n.uname, Object.fromEntries(flattenSets(n.attributes))]));
  return { config: { self, members: [...members], devices: registrations, levels, stonithTimeoutMs: timeout, nodeAttrs }, errors };
}

/** The fencing action a controller's `stonith` graph action asks for (`stonith-<node>-<action>`). */
export function stonithActionOf(action: ExecAction): FenceAction {
  const fromKey = action.key.startsWith(`stonith-${action.node}-`) ? action.key.slice(`stonith-${action.node}-`.length) : undefined;
  const a = fromKey ?? 'reboot';
  if (a !== 'reboot' && a !== 'off' && a !== 'on') throw new Error(`stonith action ${JSON.stringify(action.key)} asks for "${a}"`);
  return a;
}

/**
 * Carries out a controller `fence` effect with the fencing service and returns the outcome to
 * feed back as the `op-result` with the effect's tag: rc 0 only when the fencer confirmed the
 * target fenced, else rc 1 with the fencer's reasons (`no-fence-device` status when no device
 * could reach the target), so the controller never assumes success.
 *
 * @example
 * const outcome = await fenceForController(service, effect.action, 'node1');
 * ctl.handle({ type: 'op-result', tag: effect.tag, outcome, now: Date.now() });
 */
export async function fenceForController(service: FencingService, action: ExecAction, origin: string): Promise<OpOutcome> {
  const started = Date.now();
  let fenceAction: FenceAction;
  try {
    fenceAction = stonithActionOf(action);
  } catch (err) {
    return { rc: 1, opStatus: EXEC_STATUS.invalid, exitReason: (err as Error).message };
  }
  const entry = await service.fence(action.node, fenceAction, origin);
  const execMs = Date.now() - started;
  if (entry.state === 'success') return { rc: 0, opStatus: EXEC_STATUS.done, startedAtMs: started, execMs };
  const noDevice = /no fence device can fence|is not registered on any member/.test(entry.reason ?? '');
  return {
    rc: 1,
    opStatus: noDevice ? EXEC_STATUS.noFenceDevice : EXEC_STATUS.error,
    exitReason: entry.reason ?? `fencing ${action.node} failed`,
    startedAtMs: started,
    execMs,
  };
}
