import type { Cib, Primitive, Resource } from '../core/cib-model';
import { flattenSets } from '../core/nvsets';
import type { Placement } from '../core/schedule';
import { type FenceDevice, fenceDevice } from './device';

/** A fence device and the nodes where it is registered (where the scheduler places it). */
export interface DeviceRegistration {
  device: FenceDevice;
  nodes: string[];
}

function primitives(resources: readonly Resource[]): Primitive[] {
  return resources.flatMap((r) => (r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : primitives([r.child])));
}

/**
 * The fence devices of a CIB: every `class="stonith"` primitive, registered on the nodes the
 * scheduler places it on. A device with a bad `pcmk_*` option is reported, not registered.
 *
 * @example
 * const { registrations, errors } = fenceDevicesFromCib(cib, schedule({ cib, now }).placements);
 */
export function fenceDevicesFromCib(cib: Cib, placements: readonly Placement[]): { registrations: DeviceRegistration[]; errors: string[] } {
  const registrations: DeviceRegistration[] = [];
  const errors: string[] = [];
  for (const p of primitives(cib.resources)) {
    if (p.class !== 'stonith') continue;
    const nodes = placements.find((x) => x.rsc === p.id)?.nodes ?? [];
    try {
      registrations.push({ device: fenceDevice(p.id, p.type, Object.fromEntries(flattenSets(p.params))), nodes: [...nodes] });
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return { registrations, errors };
}
