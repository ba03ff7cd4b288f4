import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Io } from '@ocfkit/sdk/cli';
import { formatFenceText, runFenceSuite } from '../checks/fence-suite';

/** Whether an AGENT argument names a fence agent (`stonith:fence_x`, or a file called fence_*). */
export function isFenceTarget(spec: string): boolean {
  return spec.startsWith('stonith:') || basename(spec).startsWith('fence_');
}

/** Where a fence agent argument points: `stonith:fence_x` is /usr/sbin/fence_x, as Pacemaker looks. */
function fenceAgentPath(spec: string): string {
  const path = spec.startsWith('stonith:') ? join('/usr/sbin', spec.slice('stonith:'.length)) : resolve(spec);
  if (!/^fence_[A-Za-z0-9_.-]+$/.test(basename(path))) throw new Error(`${spec}: a fence agent is named fence_*`);
  if (!existsSync(path)) throw new Error(`fence agent ${spec} not found (${path})`);
  return path;
}

/**
 * `ocfkit conformance` on a fence agent: the fence-agents contract checks, with progress.
 * Returns the exit code (1 when an error-level rule failed).
 */
export async function fenceConformance(
  spec: string,
  opts: { params: Record<string, string>; plug?: string; json: boolean; quiet: boolean },
  io: Io,
): Promise<number> {
  const path = fenceAgentPath(spec);
  const progress = !opts.json && !opts.quiet;
  if (progress) io.out(`== stonith:${basename(path)} (${path})\n`);
  const report = await runFenceSuite(path, {
    params: opts.params,
    ...(opts.plug ? { plug: opts.plug } : {}),
    ...(progress
      ? { onRun: (label, r) => io.out(`  · ${label}: ${r.rc}${r.execStatus === 'done' ? '' : ` ${r.execStatus}`} (${r.durationMs} ms)\n`) }
      : {}),
  });
  io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatFenceText(report));
  return report.counts.failed > 0 ? 1 : 0;
}
