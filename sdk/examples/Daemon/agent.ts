/**
 * Daemon — keeps one long-running program up, tracked by a pid file.
 * Binaries: start-stop-daemon (Debian's dpkg) and the program itself. Clones: anonymous.
 */
import { readFileSync, rmSync } from 'node:fs';
import { type AgentContext, defineAgent, fail, failed, processLiveness } from '@ocfkit/sdk';

const params = {
  binary: { type: 'string', shortdesc: 'Program to run', required: true, pattern: '^/' },
  args: { type: 'string', shortdesc: 'Arguments, separated by spaces (no shell)', default: '' },
  pidfile: { type: 'string', shortdesc: 'Pid file', unique: true, pattern: '^/' },
} as const;
type Ctx = AgentContext<typeof params>;

const pidfile = (ctx: Ctx) => ctx.params.pidfile ?? `/run/Daemon-${ctx.instance}.pid`;

function readPid(ctx: Ctx): number | undefined {
  try {
    return Number.parseInt(readFileSync(pidfile(ctx), 'utf8'), 10);
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an exited process nobody has reaped yet still answers kill 0). */
function alive(pid: number): boolean {
  return processLiveness(pid) === 'alive';
}

export default defineAgent({
  name: 'Daemon',
  version: '1.0.0',
  shortdesc: 'Runs one daemon',
  longdesc: 'Starts a program in the background with start-stop-daemon and watches its pid.',
  metadata: 'portable',
  params,
  validate(ctx) {
    ctx.requireBinary('start-stop-daemon');
    if (!ctx.haveBinary(ctx.params.binary)) fail.installed(`${ctx.params.binary} is not an executable file`);
  },
  status(ctx) {
    const pid = readPid(ctx);
    if (pid === undefined) return 'stopped';
    // final: a process that is gone does not come back, so a start waiting for it ends now.
    return alive(pid) ? 'running' : failed(`process ${pid} from ${pidfile(ctx)} is gone`, { final: true });
  },
  actions: {
    async start(ctx) {
      const args = ctx.params.args.split(' ').filter(Boolean);
      await ctx.exec('start-stop-daemon', [
        ...['--start', '--background', '--make-pidfile', '--pidfile', pidfile(ctx)],
        ...['--exec', ctx.params.binary, '--', ...args],
      ]);
    },
    async stop(ctx) {
      // Exit code 1 means "nothing was running"; TERM, then KILL after 5 s.
      await ctx.exec('start-stop-daemon', ['--stop', '--pidfile', pidfile(ctx), '--retry', 'TERM/5/KILL/5'], {
        okCodes: [0, 1],
      });
      rmSync(pidfile(ctx), { force: true });
    },
  },
});
