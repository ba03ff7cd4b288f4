/**
 * Redis — one redis-server instance (Debian's redis-server), with an optional password.
 * Binaries: redis-server, and redis-cli for the monitor. Clones: anonymous (one port each).
 *
 * The password is a private parameter: the SDK keeps it out of logs, exit reasons and the
 * environment of every command; this agent keeps it off command lines too. redis-server reads it
 * from a config file only root can read, and redis-cli from its stdin (`AUTH`, then the command).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentContext, defineAgent, fail, failed, processLiveness } from '@ocfkit/sdk';

const params = {
  dir: {
    type: 'string',
    shortdesc: 'Data directory',
    longdesc: 'Absolute path of the directory for the data, config, pid and log files.',
    required: true,
    unique: true,
    pattern: '^/',
  },
  port: { type: 'integer', shortdesc: 'TCP port', min: 1, max: 65535, default: 6379, unique: true },
  bind: { type: 'string', shortdesc: 'Address to listen on', default: '127.0.0.1', nonEmpty: true },
  password: {
    type: 'string',
    shortdesc: 'Password (requirepass)',
    longdesc: 'Clients must AUTH with it. Kept out of logs, command lines and environments.',
    private: true,
  },
  server: { type: 'string', shortdesc: 'redis-server binary', default: '/usr/bin/redis-server', pattern: '^/' },
  cli: { type: 'string', shortdesc: 'redis-cli binary', default: '/usr/bin/redis-cli', pattern: '^/' },
} as const;
type Ctx = AgentContext<typeof params>;

const pidfile = (ctx: Ctx) => join(ctx.params.dir, 'redis.pid');

function readPid(ctx: Ctx): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidfile(ctx), 'utf8'), 10);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  return processLiveness(pid) === 'alive';
}

/** Runs one Redis command through redis-cli; the password goes on stdin, never on argv. */
async function redis(ctx: Ctx, command: string): Promise<string> {
  const auth = ctx.params.password ? `AUTH ${ctx.params.password}\n` : '';
  const r = await ctx.exec(ctx.params.cli, ['-h', ctx.params.bind, '-p', String(ctx.params.port)], {
    input: `${auth}${command}\n`,
    timeoutMs: 5000,
    check: false,
  });
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(auth ? 1 : 0).join(' ');
}

export default defineAgent({
  name: 'Redis',
  version: '1.0.0',
  shortdesc: 'Redis server',
  longdesc: 'Runs one redis-server with its data, config and pid file in one directory.',
  metadata: 'portable',
  params,
  validate(ctx) {
    if (!ctx.haveBinary(ctx.params.server)) fail.installed(`${ctx.params.server} is not an executable file`);
    if (!ctx.haveBinary(ctx.params.cli)) fail.installed(`${ctx.params.cli} is not an executable file`);
  },
  async status(ctx) {
    const pid = readPid(ctx);
    if (pid === undefined) return 'stopped';
    if (!alive(pid)) return failed(`redis-server ${pid} from ${pidfile(ctx)} is gone`, { final: true });
    const answer = await redis(ctx, 'PING');
    // Not answering yet may be a server still loading its data: not final, a start keeps waiting.
    return answer === 'PONG' ? 'running' : failed(`redis-server ${pid} does not answer PING: ${answer || 'no reply'}`);
  },
  actions: {
    async start(ctx) {
      mkdirSync(ctx.params.dir, { recursive: true, mode: 0o750 });
      const conf = join(ctx.params.dir, 'redis.conf');
      const lines = [
        `port ${ctx.params.port}`,
        `bind ${ctx.params.bind}`,
        'daemonize yes',
        `pidfile ${pidfile(ctx)}`,
        `dir ${ctx.params.dir}`,
        `logfile ${join(ctx.params.dir, 'redis.log')}`,
        ...(ctx.params.password ? [`requirepass ${JSON.stringify(ctx.params.password)}`] : []),
      ];
      rmSync(conf, { force: true });
      writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
      await ctx.exec(ctx.params.server, [conf]);
    },
    async stop(ctx) {
      const pid = readPid(ctx);
      if (pid !== undefined && alive(pid)) {
        process.kill(pid, 'SIGTERM');
        while (alive(pid)) await ctx.sleep(100);
      }
      rmSync(pidfile(ctx), { force: true });
    },
  },
});
