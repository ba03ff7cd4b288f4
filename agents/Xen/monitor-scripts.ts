import type { AgentContext } from '@ocfkit/sdk';

/**
 * Runs the `monitor_scripts` (space-separated commands, each run without a shell and without
 * arguments, like the heartbeat agent) in order and returns the first failure as a sentence
 * naming the script, or undefined when all exit 0. Scripts get the agent's environment plus
 * `OCF_RESKEY_name` set to the resolved domain name, so one script can serve several guests.
 *
 * @example
 * await runMonitorScripts(ctx, '/usr/local/bin/ping-web1 /usr/local/bin/check-http', 'web1')
 * // 'monitor script /usr/local/bin/check-http failed (exit 2): connection refused'
 */
export async function runMonitorScripts(ctx: AgentContext, scripts: string | undefined, domain: string): Promise<string | undefined> {
  for (const script of (scripts ?? '').split(/\s+/).filter(Boolean)) {
    const r = await ctx.exec(script, [], { check: false, env: { OCF_RESKEY_name: domain } });
    if (r.exitCode === 0) continue;
    const why = r.exitCode === 127 ? 'not found' : r.exitCode === 126 ? 'not executable' : `exit ${r.exitCode ?? r.signal}`;
    const said = (r.stderr.trim() || r.stdout.trim()).split('\n').pop()?.trim();
    return `monitor script ${script} failed (${why})${said ? `: ${said}` : ''}`;
  }
  return undefined;
}
