/**
 * The ops of `stonith:` resources as pacemaker-fenced answers them for the executor: `start`
 * registers the device on this node (its agent must answer `-o metadata`), `stop` unregisters it,
 * `monitor` runs the device's own check (the agent's monitor, list or status) where it is
 * registered and says "not running" elsewhere (a probe).
 */
import type { Verdict } from '../lrmd/outcome';
import type { OpRequest, ResourceSpec } from '../lrmd/types';
import { fenceDevice } from './device';
import type { FenceRunner } from './runner';

/**
 * The executor's `stonith` option for this node's devices.
 *
 * @example
 * const executor = new Executor({ stonith: stonithDeviceOps(new FenceRunner()) });
 */
export function stonithDeviceOps(runner: FenceRunner): (spec: ResourceSpec, req: OpRequest) => Promise<Verdict> {
  const registered = new Set<string>();
  return async (spec, req) => {
    const timeoutMs = req.timeoutMs ?? 20_000;
    switch (req.action) {
      case 'start':
        try {
          await runner.metadata(spec.type);
        } catch (err) {
          return { rc: 5, execStatus: 'not-installed', exitReason: (err as Error).message.slice(0, 128) };
        }
        registered.add(spec.id);
        return { rc: 0, execStatus: 'done' };
      case 'stop':
        registered.delete(spec.id);
        return { rc: 0, execStatus: 'done' };
      case 'monitor': {
        if (!registered.has(spec.id)) return { rc: 7, execStatus: 'done' };
        let dev: ReturnType<typeof fenceDevice>;
        try {
          dev = fenceDevice(spec.id, spec.type, spec.params ?? {});
        } catch (err) {
          return { rc: 6, execStatus: 'done', exitReason: (err as Error).message.slice(0, 128) };
        }
        const r = await runner.monitor(dev, timeoutMs);
        return r.ok
          ? { rc: 0, execStatus: 'done' }
          : { rc: 1, execStatus: 'done', exitReason: (r.reason ?? 'device check failed').slice(0, 128) };
      }
      default:
        return { rc: 3, execStatus: 'done', exitReason: `${req.action} is not an action of a fence device` };
    }
  };
}
