import type { AgentContext } from '@ocfkit/sdk';
import { isRunning } from './state-letters';
import { commands, listGuests, type Toolstack, totalMemoryMB } from './toolstack';

/**
 * `allow_mem_management`: share the host's memory minus `reserved_Dom0_memory` equally among the
 * running guests plus `adding` new ones, and `mem-set` every running guest to that share.
 * Returns the share in MB (the memory a new guest is created with). Unlike the heartbeat agent
 * this never edits the user's config file: start passes `memory=<share>` on the create command.
 *
 * @example
 * await shareMemory(ctx, ts, 512, 1) // 3840 on an 8 GB host running one guest
 */
export async function shareMemory(ctx: AgentContext, ts: Toolstack, reservedMB: number, adding: number): Promise<number> {
  const running = (await listGuests(ctx, ts)).filter((d) => isRunning(d.flags));
  const total = await totalMemoryMB(ctx, ts);
  const count = Math.max(1, running.length + adding);
  const share = Math.floor((total - reservedMB) / count);
  if (share <= 0) throw new Error(`reserved_Dom0_memory=${reservedMB} leaves no memory for guests (host total ${total} MB)`);
  const cmd = commands(ts);
  for (const d of running) await ctx.exec(ts.path, cmd.memSet(d.name, share));
  ctx.log.info(`memory per guest: ${share} MB for ${count} guest(s) (${running.map((d) => d.name).join(' ') || 'none running'})`);
  return share;
}
