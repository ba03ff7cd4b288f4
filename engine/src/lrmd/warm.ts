import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { WARM_RUNNABLE_MARKER } from '@ocfkit/sdk';

/**
 * The warm runner: a Node process started ahead of time that waits, blocked in a read of fd 3, for
 * one request {file, args, env, cwd, title}. It first writes one byte to fd 3 (ready). Given
 * the request, it takes the request's environment as its whole environment, its cwd, argv and
 * `/proc/PID/cmdline` (the title), and runs the file as Node runs a script named on its command
 * line (`Module.runMain`): from then on it is that agent, with its stdout, stderr, exit code and
 * signals. EOF without a request (the executor closed or died) ends it quietly. Run with `node -e`,
 * so its own text gives the title room (libuv rewrites the argv area in place).
 */
const RUNNER_SOURCE = `'use strict';
const fs = require('node:fs');
fs.writeSync(3, 'R');
const chunks = [], buf = Buffer.alloc(65536);
for (;;) {
  let n;
  try { n = fs.readSync(3, buf, 0, buf.length, null); }
  catch (e) { if (e.code !== 'EAGAIN') throw e; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); continue; }
  if (n === 0) break;
  chunks.push(Buffer.from(buf.subarray(0, n)));
}
fs.closeSync(3);
if (chunks.length === 0) process.exit(0);
const r = JSON.parse(Buffer.concat(chunks).toString('utf8'));
process.chdir(r.cwd);
for (const k of Object.keys(process.env)) delete process.env[k];
Object.assign(process.env, r.env);
process.title = r.title;
process.argv = [process.execPath, r.file, ...r.args];
process.execArgv = [];
require('node:module').runMain();
`;

/**
 * Environment variables Node itself reads while starting (options, module paths, CA files, locale,
 * time zone, libuv's pool): a runner is started with the op's values of these and nothing else,
 * and runners are pooled by them, so a warm agent starts as an exec'd one would.
 */
const STARTUP_VARIABLE = /^(NODE_|UV_|OPENSSL_|SSL_CERT_|ICU_|LC_|LANG$|LANGUAGE$|TZ$)/;

/** How many bytes of an agent file are read to find its interpreter line and the marker. */
const HEAD_BYTES = 512;

/** `/usr/bin/env`'s search when PATH is unset (glibc's `_CS_PATH`). */
const DEFAULT_PATH = '/bin:/usr/bin';

/** One pre-started runner. */
export interface WarmRunner {
  readonly child: ChildProcess;
  /** argv[0] of the exec'd equivalent (`node` through `/usr/bin/env`, else the shebang's path). */
  readonly argv0: string;
  ready: boolean;
  dead: boolean;
  /** The niceness it was started with (an exec'd agent's: the daemon's, or 0 after `--reset-on-fork`), when lowered to idle. */
  startNice?: number;
}

/** What a runner is handed: the agent and everything the exec'd agent would get. */
interface WarmRequest {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

function readHead(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0)).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(':')) {
    const file = join(dir === '' ? '.' : dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The Node binary a warm runner for `file` must be, and argv[0] as the exec'd agent would have it;
 * `undefined` unless `file` is an agent built by `ocfkit build` (its marker line within the first
 * three lines), executable, with a Node interpreter line: `#!/usr/bin/env node` (node looked up on
 * the op's PATH, as env does) or `#!/ABSOLUTE/node`, in a CommonJS package scope (Node would run
 * it as an ES module under a `"type": "module"` package.json, which the runner does not). A value with a NUL byte (exec would refuse it)
 * also means exec.
 *
 * @example
 * warmInterpreter('/usr/lib/ocf/resource.d/ocfkit/IPaddr', env) // { node: '/usr/bin/node', argv0: 'node' }
 */
export function warmInterpreter(file: string, env: Readonly<Record<string, string>>): { node: string; argv0: string } | undefined {
  const head = readHead(file);
  if (head === undefined || !head.startsWith('#!')) return undefined;
  const lines = head.split('\n', 4);
  if (!lines.slice(1, 3).includes(WARM_RUNNABLE_MARKER)) return undefined;
  for (const [k, v] of Object.entries(env)) if (k.includes('\0') || v.includes('\0')) return undefined;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return undefined;
  }
  if (!commonJsScope(file)) return undefined;
  const interp = (lines[0] as string).slice(2).trim();
  let found: string | undefined;
  let argv0: string;
  if (interp === '/usr/bin/env node') {
    found = onPath('node', env.PATH ?? DEFAULT_PATH);
    argv0 = 'node';
  } else {
    if (!isAbsolute(interp) || /\s/.test(interp) || basename(interp) !== 'node') return undefined;
    found = interp;
    argv0 = interp;
  }
  if (found === undefined) return undefined;
  try {
    return { node: realpathSync(found), argv0 };
  } catch {
    return undefined;
  }
}

/**
 * Whether Node reads `file` (no extension) as CommonJS when it is run: the nearest package.json's
 * `type` is not "module" (`ocfkit build` writes `{"type": "commonjs"}` over its output). An
 * unreadable package.json on the way answers no, so the agent is exec'd and Node decides.
 */
function commonJsScope(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    if (text !== undefined) {
      try {
        return (JSON.parse(text) as { type?: unknown }).type !== 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return true;
  }
}

function startupEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) if (STARTUP_VARIABLE.test(k)) out[k] = env[k] as string;
  return out;
}

/** CAP_SYS_NICE's bit in /proc/PID/status's CapEff. */
const CAP_SYS_NICE = 23n;

/**
 * Whether this process may lower a niceness again (CAP_SYS_NICE: root on a host, not in a container
 * without `--cap-add SYS_NICE`): only then do idle runners start at nice 19.
 */
function canRenice(): boolean {
  try {
    const cap = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return cap !== undefined && ((BigInt(`0x${cap}`) >> CAP_SYS_NICE) & 1n) === 1n;
  } catch {
    return false;
  }
}

const CAN_RENICE = canRenice();

/** The niceness idle runners start at, so their start-up does not take CPU from agents running. */
const IDLE_NICE = 19;

/**
 * The idle pre-started runners, `size` per (Node binary, start-up environment), each used once:
 * taking one starts its replacement. Only the daemon's own uid is served (ops with a `user` are
 * exec'd). With CAP_SYS_NICE, idle runners wait at nice 19 and a taken one is set back to the
 * niceness it started with (each of its threads: what an exec'd agent gets, the daemon's own or 0
 * after `chrt --reset-on-fork`) before it is handed the agent.
 *
 * @example
 * const pool = new WarmPool(2);
 * const how = warmInterpreter(file, env);
 * const runner = how && pool.take(how.node, how.argv0, env); // undefined the first time: exec, and the pool fills
 */
export class WarmPool {
  private readonly idle = new Map<string, WarmRunner[]>();
  /** Keys whose runner could not be spawned: exec'd from then on, no retry loop. */
  private readonly broken = new Set<string>();
  private closed = false;

  constructor(private readonly size: number) {}

  /** A ready idle runner for this interpreter and start-up environment, or `undefined` (exec); refills the pool. */
  take(node: string, argv0: string, env: Readonly<Record<string, string>>): WarmRunner | undefined {
    if (this.closed) return undefined;
    const start = startupEnv(env);
    const key = `${node}\0${argv0}\0${JSON.stringify(start)}`;
    if (this.broken.has(key)) return undefined;
    let list = this.idle.get(key);
    if (!list) {
      list = [];
      this.idle.set(key, list);
    }
    const i = list.findIndex((r) => r.ready && !r.dead && r.child.exitCode === null && r.child.signalCode === null);
    const got = i >= 0 ? list.splice(i, 1)[0] : undefined;
    // The replacement after the op is handed over: its spawn is not on the op's path.
    const fill = (into: WarmRunner[]) => {
      while (into.length < this.size && !this.broken.has(key) && !this.closed) this.start(key, node, argv0, start, into);
    };
    if (got) setImmediate(fill, list);
    else fill(list);
    return got;
  }

  private start(key: string, node: string, argv0: string, env: Record<string, string>, list: WarmRunner[]): void {
    const child = spawn(node, ['-e', RUNNER_SOURCE], { env, cwd: '/', stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid === undefined) {
      child.on('error', () => {});
      this.broken.add(key);
      return;
    }
    const runner: WarmRunner = { child, argv0, ready: false, dead: false };
    if (CAN_RENICE) {
      try {
        const startNice = getPriority(child.pid);
        setPriority(child.pid, IDLE_NICE);
        runner.startNice = startNice;
      } catch {
        // it already exited: seen below
      }
    }
    const control = child.stdio[3] as Readable & Writable;
    control.on('error', () => {});
    control.once('data', () => {
      runner.ready = true;
    });
    child.once('exit', () => {
      runner.dead = true;
      const at = list.indexOf(runner);
      if (at >= 0) list.splice(at, 1);
    });
    // Idle runners must not keep a short-lived executor's process alive.
    child.unref();
    for (const s of [child.stdout, child.stderr, control]) (s as unknown as { unref(): void }).unref();
    list.push(runner);
  }

  /** The idle runners' pids and whether each is ready (for tests and diagnostics). */
  idlePids(): { pid: number; ready: boolean }[] {
    return [...this.idle.values()].flat().map((r) => ({ pid: r.child.pid as number, ready: r.ready }));
  }

  /** Ends every idle runner (EOF on its control pipe, and SIGKILL of its group). */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) {
      for (const r of list.splice(0)) {
        (r.child.stdio[3] as Writable).destroy();
        try {
          process.kill(-(r.child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/**
 * Hands `req` to a runner taken from the pool and returns its process, now the agent's: ref'd again
 * (it is an op the executor waits for), its stdout/stderr the agent's.
 */
export function handTo(runner: WarmRunner, req: WarmRequest): ChildProcess {
  const { child } = runner;
  child.ref();
  for (const s of [child.stdout, child.stderr]) (s as unknown as { ref(): void }).ref();
  // Back to the niceness it started with (every thread) before the request: at nice 19 on a busy
  // host the runner would wait long to be scheduled even to read it.
  if (runner.startNice !== undefined) {
    const nice = runner.startNice;
    try {
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) setPriority(Number(tid), nice);
    } catch {
      // it exited: the op reports how
    }
  }
  const control = child.stdio[3] as Writable;
  const title = [runner.argv0, req.file, ...req.args].join(' ');
  // Closed on our side once written: the child process's 'close' (all its pipes closed) must not
  // wait for this pipe, which the agent never uses (else the op would end only at the drain timer).
  control.end(JSON.stringify({ ...req, title }), () => control.destroy());
  return child;
}
