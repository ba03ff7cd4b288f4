/** The source of a new agent: a working, ocf-tester-clean starting point to edit. */
export function agentTemplate(name: string): string {
  return `/**
 * ${name} — an OCF resource agent written with ocfkit.
 *
 * Manages: (describe the service). As generated, it only records "running" in a state file,
 * like ocf:heartbeat:Dummy; replace status(), start() and stop() with the real thing.
 * Binaries needed: none yet (check them in validate() with ctx.requireBinary).
 * Clones: anonymous clones work; not promotable.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AgentContext, defineAgent } from '@ocfkit/sdk';

const params = {
  state: {
    type: 'string',
    shortdesc: 'State file',
    longdesc: 'Absolute path of the file that records that this instance is running.',
    unique: true,
    pattern: '^/',
  },
} as const;

function stateFile(ctx: AgentContext<typeof params>): string {
  return ctx.params.state ?? \`\${ctx.env.HA_RSCTMP || '/run/resource-agents'}/${name}-\${ctx.instance}.state\`;
}

export default defineAgent({
  name: '${name}',
  version: '0.1.0',
  shortdesc: '${name} resource agent',
  longdesc: 'Manages one instance of ${name}.',
  metadata: 'portable',
  params,
  status: (ctx) => (existsSync(stateFile(ctx)) ? 'running' : 'stopped'),
  actions: {
    start(ctx) {
      mkdirSync(dirname(stateFile(ctx)), { recursive: true, mode: 0o755 });
      writeFileSync(stateFile(ctx), \`\${process.pid}\\n\`, { mode: 0o644 });
    },
    stop(ctx) {
      rmSync(stateFile(ctx), { force: true });
    },
  },
});
`;
}
