/**
 * autoset_utilization_cpu / autoset_utilization_hv_memory (as ocf:heartbeat:Xen): a monitor that
 * finds the domain running writes its vCPU count and memory (MB) into the resource's `cpu` and
 * `hv_memory` utilization with Pacemaker's crm_resource, reading first and writing only a
 * changed value. Nothing here fails a monitor: a CIB that cannot be reached (not in a cluster,
 * the bundled engine) is a debug line, a failed write a warning.
 */
import type { AgentContext } from '@ocfkit/sdk';
import type { DomainView } from './toolstack';

/** What to set: attribute name → value, for the enabled parameters with a known value. */
export function utilizationOf(
  view: Pick<DomainView, 'vcpus' | 'memMB'>,
  enabled: { cpu: boolean; hvMemory: boolean },
): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  if (enabled.cpu && view.vcpus !== undefined) out.push(['cpu', view.vcpus]);
  if (enabled.hvMemory && view.memMB !== undefined) out.push(['hv_memory', view.memMB]);
  return out;
}

/**
 * Writes each value that differs from the CIB's into the resource's utilization.
 *
 * @example
 * await updateUtilization(ctx, [['cpu', 2], ['hv_memory', 512]]);
 */
export async function updateUtilization(ctx: AgentContext, values: ReadonlyArray<[string, number]>): Promise<void> {
  const rsc = ctx.instance;
  for (const [attr, value] of values) {
    const get = await ctx.exec('crm_resource', ['-Q', '-r', rsc, '-z', '-g', attr], { check: false });
    if (get.exitCode !== 0 && /not connected|could not connect/i.test(get.stderr)) {
      ctx.log.debug(`cannot read utilization ${attr} of ${rsc}: the CIB is not available`);
      return;
    }
    const current = get.exitCode === 0 ? get.stdout.trim() : '';
    if (current === String(value)) continue;
    const set = await ctx.exec('crm_resource', ['-r', rsc, '-z', '-p', attr, '-v', String(value)], { check: false });
    if (set.exitCode === 0) ctx.log.info(`utilization ${attr} of ${rsc}: ${current || '(unset)'} → ${value}`);
    else ctx.log.warn(`cannot set utilization ${attr}=${value} of ${rsc}: ${set.stderr.trim() || `exit ${set.exitCode}`}`);
  }
}
