/**
 * The deprecated `restart-type` meta attribute, as Pacemaker 2.1.5 still honours it: a resource
 * with `restart-type=restart` that is the `then` of an Optional (score 0 or kind=Optional) simple
 * order constraint is restarted whenever the `first` action happens, as if the order were
 * Mandatory: the order implies its `then` (start after start, stop after stop, ...), and its
 * inverse implies its `first` (stopping the `first` stops the `then`). Resource-set orders ignore
 * it. crm_simulate: "Restart rsc1 (node1) due to required bar running".
 */
import type { WRsc } from './working-set.js';

/**
 * Whether an Optional order with this `then` behaves as a restarting one (`restart-type=restart`,
 * any case; any other value, or none, is Pacemaker's default "ignore").
 *
 * @example
 * restartsThen(ws.byId.get('rsc1')!); // true when its meta has restart-type=restart
 */
export function restartsThen(then: WRsc): boolean {
  return then.meta.get('restart-type')?.toLowerCase() === 'restart';
}
