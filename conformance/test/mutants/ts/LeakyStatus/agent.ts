/**
 * Mutant (TypeScript, ocfkit SDK): breaks process.no-orphans — status() starts a helper process
 * and never waits for it, so every monitor leaves a `sleep` behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { type AgentContext, defineAgent } from '@ocfkit/sdk';

const params = {
  state: { type: 'string', shortdesc: 'State file', longdesc: 'Its existence means running.', unique: true, pattern: '^/' },
} as const;
const file = (ctx: AgentContext<typeof params>) => ctx.params.state ?? `/tmp/ocfkit-leaky-${ctx.instance}.state`;

export default defineAgent({
  name: 'LeakyStatus',
  version: '0.1.0',
  shortdesc: 'conformance mutant',
  longdesc: 'Leaves a child process behind after every status check.',
  metadata: 'portable',
  params,
  status(ctx) {
    spawn('/bin/sleep', ['60'], { stdio: 'ignore', detached: false }).unref();
    return existsSync(file(ctx)) ? 'running' : 'stopped';
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
