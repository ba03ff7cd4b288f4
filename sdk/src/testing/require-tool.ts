import { spawnSync } from 'node:child_process';

/**
 * For tests that need a real tool (ip, crm_resource, pg_ctl, docker...): returns `undefined` when
 * every command exists and works, else the reason to skip. Under CI (`CI=true`) a missing tool
 * throws instead, because CI installs everything and a skip there would hide a broken setup.
 *
 * @example
 * const missing = requireTool(['ocf-tester', 'xmllint']);
 * describe.skipIf(missing)('ocf-tester', () => { ... });
 */
export function requireTool(commands: readonly string[], extraCheck?: () => string | undefined): string | undefined {
  const absent = commands.filter((c) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', c], { stdio: 'ignore' }).status !== 0);
  let reason = absent.length > 0 ? `not installed: ${absent.join(', ')}` : undefined;
  reason ??= extraCheck?.();
  if (reason === undefined) return undefined;
  if (process.env.CI === 'true') throw new Error(`CI=true and a required tool is unavailable (${reason})`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}
