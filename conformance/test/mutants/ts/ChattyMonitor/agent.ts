/**
 * Mutant (TypeScript, ocfkit SDK): breaks output.stdout-quiet (a warning) — status() prints to
 * stdout, which Pacemaker logs at debug level and ocf-tester mixes into its report.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { type AgentContext, defineAgent } from '@ocfkit/sdk';

const params = {
  state: { type: 'string', shortdesc: 'State file', longdesc: 'Its existence means running.', unique: true, pattern: '^/' },
} as const;
const file = (ctx: AgentContext<typeof params>) => ctx.params.state ?? `/tmp/ocfkit-chatty-${ctx.instance}.state`;

export default defineAgent({
  name: 'ChattyMonitor',
  version: '0.1.0',
  shortdesc: 'conformance mutant',
  longdesc: 'Prints its state on stdout.',
  metadata: 'portable',
  params,
  status(ctx) {
    const running = existsSync(file(ctx));
    process.stdout.write(`state: ${running ? 'running' : 'stopped'}\n`);
    return running ? 'running' : 'stopped';
  },
  actions: {
    start(ctx) {
      writeFileSync(file(ctx), 'x\n');
    },
    stop(ctx) {
      rmSync(file(ctx), { force: true });
    },
  },
});
