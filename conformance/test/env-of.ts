import { join } from 'node:path';
import { type ProfileName, profileByName } from '../src/profiles/profiles';
import { AgentRunner } from '../src/runner/agent-runner';

/** A shell agent that prints its environment for every action. */
export const DUMP = join(import.meta.dirname, 'fixtures', 'env-dump.sh');

/** The OCF part of the environment the real executor gives env-dump.sh under a profile. */
export async function envOf(profile: ProfileName, action: string, intervalMs = 0, instance = 'r1'): Promise<Record<string, string>> {
  const runner = new AgentRunner({
    path: DUMP,
    provider: 'test',
    type: 'envdump',
    instances: { [instance]: { foo: 'bar' } },
    profile: profileByName(profile),
    timeoutFor: () => 20_000,
  });
  try {
    const rec = await runner.run(action, { label: action, intervalMs });
    const env: Record<string, string> = {};
    for (const line of rec.result.stdout.split('\n')) {
      const at = line.indexOf('=');
      const k = line.slice(0, at);
      if (/^(OCF_|HA_|PCMK_|__OCF)/.test(k) && k !== 'OCF_RESKEY_CRM_meta_on_node') env[k] = line.slice(at + 1);
    }
    return env;
  } finally {
    await runner.close();
  }
}
