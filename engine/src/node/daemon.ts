/**
 * The node daemon (`ocfkit node start`): one process per node hosting the CIB store, the executor,
 * the bundled attrd and the controller, with the admin socket the CLI talks to.
 *
 * Layout:
 * - `<state-dir>/cib/`  cib.xml, cib.xml.sig, cib-N.raw backups (see cib/store-files.ts)
 * - `<state-dir>/pengine/` left to the controller (pe-input-N)
 * - `<state-dir>/ocfkit-node.pid` one daemon per state directory
 * - `<state-dir>/fencing-history.json` the fencing history (0600; a cluster member keeps it across restarts)
 * - `<run-dir>/admin.sock`, `<run-dir>/attrd.sock` (0600, or 0660 with `--group`), `<run-dir>/attrd.json`
 */
import { chmodSync, chownSync, closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ATTRD_SOCKET_ENV } from '@ocfkit/sdk';
import { type Attrd, startAttrd } from '../attrd/server.js';
import { CibStore } from '../cib/store.js';
import { ensureDir } from '../cib/store-files.js';
import { stonithDeviceOps } from '../fencing/device-ops.js';
import { loadHistory } from '../fencing/history-file.js';
import { FenceRunner } from '../fencing/runner.js';
import { inheritedEnv } from '../lrmd/env.js';
import { Executor } from '../lrmd/executor.js';
import { ADMIN_SOCKET, ATTRD_SOCKET, checkSocketPath } from './admin-protocol.js';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { clusterConfigured, FENCING_HISTORY_FILE, startClusterController } from './cluster.js';
import type { Controller, ControllerFactory } from './controller.js';
import { EXIT_FENCED, stopLocalResources } from './fenced-notice.js';
import type { HaLog } from './ha-log.js';

export interface NodeOptions {
  /**
   * `--config-dir`: with `ha.cf` + `authkeys` (or `cluster.json`) in it, the daemon is a member of
   * that cluster (see cluster.ts); without, a one-node engine.
   */
  configDir: string;
  stateDir: string;
  runDir: string;
  /** `--cib FILE`: the seed, used on the first start only. */
  cibFile?: string;
  nodeName?: string;
  /** Group allowed on the sockets (0660) and directories the daemon creates (0750). */
  gid?: number;
  /** The controller and its name (for `ocfkit status`). */
  controller: { name: string; factory: ControllerFactory };
  log: HaLog;
  /** The agents' search path (default the executor's: /usr/lib/ocf/resource.d). */
  agentPath?: string[];
  /** Where fence agents are (a cluster member's fencer; default /usr/sbin). */
  fenceAgentDir?: string;
}

/** A running node daemon. */
export interface RunningNode {
  readonly nodeName: string;
  readonly store: CibStore;
  readonly attrd: Attrd;
  readonly executor: Executor;
  readonly controller: Controller;
  /** SIGTERM: the controller stops the resources, then everything closes. */
  stop(): Promise<void>;
  /**
   * Settles when the daemon ended by itself: told it was fenced (fenced-notice.ts), it stopped its
   * resources and closed; the process should exit with the code ({@link EXIT_FENCED}).
   */
  readonly ended: Promise<number>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<state-dir>/ocfkit-node.pid`, refusing when a live daemon holds it. */
function lockStateDir(stateDir: string): () => void {
  const file = join(stateDir, 'ocfkit-node.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid))
        throw new Error(`another node daemon (pid ${pid}) is using ${stateDir}`);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot take ${file}`);
}

function prepareDir(dir: string, gid: number | undefined, privateOnly = false): void {
  const created = ensureDir(dir, gid === undefined ? 0o700 : 0o750);
  if (created && gid !== undefined) {
    chownSync(dir, process.getuid?.() ?? 0, gid);
    chmodSync(dir, 0o750);
  }
  // The sockets live here: a directory others may write to is refused, never tightened behind the owner's back.
  const mode = statSync(dir).mode & 0o7777;
  if (!created && privateOnly && (mode & 0o022) !== 0)
    throw new Error(`${dir} is writable by its group or others (mode ${mode.toString(8)}); use a private --run-dir`);
}

/**
 * Starts a node daemon: directories, the CIB (seeded on the first start), attrd, executor,
 * controller and the admin socket. Throws with a clear message when anything is wrong, having
 * undone what it started.
 *
 * @example
 * const node = await startNode({ configDir, stateDir, runDir, cibFile, controller: { name: 'none', factory: noController }, log });
 * process.on('SIGTERM', () => node.stop().then(() => process.exit(0)));
 */
export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const adminSocket = join(o.runDir, ADMIN_SOCKET);
  const attrdSocket = join(o.runDir, ATTRD_SOCKET);
  checkSocketPath(adminSocket);
  checkSocketPath(attrdSocket);
  const nodeName = o.nodeName ?? hostname();
  const log = o.log;
  prepareDir(o.stateDir, o.gid);
  prepareDir(o.runDir, o.gid, true);
  const unlock = lockStateDir(o.stateDir);
  const undo: (() => Promise<void> | void)[] = [unlock];
  const fail = async (err: unknown): Promise<never> => {
    for (const u of undo.reverse()) await u();
    throw err;
  };
  try {
    const seed = o.cibFile === undefined ? undefined : readSeed(o.cibFile);
    const store = CibStore.open({
      dir: join(o.stateDir, 'cib'),
      ...(seed !== undefined ? { seed, seedName: o.cibFile } : {}),
      log: (level, m) => (level === 'warn' ? log.warn(m) : log.info(m)),
    });
    const attrd = await startAttrd({ socket: attrdSocket, stateFile: join(o.runDir, 'attrd.json'), node: nodeName });
    undo.push(() => attrd.close());
    if (o.gid !== undefined) {
      chownSync(attrdSocket, process.getuid?.() ?? 0, o.gid);
      chmodSync(attrdSocket, 0o660);
    }
    const inCluster = clusterConfigured(o.configDir);
    if (inCluster && o.controller.name !== 'crmd')
      throw new Error(`${o.configDir} configures a cluster: its nodes run the crmd controller (got --controller ${o.controller.name})`);
    // A cluster member's fence devices: registered by the executor's stonith ops, run by its fencer.
    const fenceRunner = inCluster
      ? new FenceRunner({ ...(o.fenceAgentDir !== undefined ? { agentDir: o.fenceAgentDir } : {}), log: (l) => log.info(l) })
      : undefined;
    const executor = new Executor({
      nodeName,
      ...(fenceRunner ? { stonith: stonithDeviceOps(fenceRunner) } : {}),
      ...(o.agentPath ? { searchPath: o.agentPath } : {}),
      // Agents reach this node's attrd (the SDK's attribute port reads this variable).
      baseEnv: { ...inheritedEnv(process.env), [ATTRD_SOCKET_ENV]: attrdSocket },
    });
    undo.push(() => executor.close());
    const context = { store, executor, attrd, nodeName, stateDir: o.stateDir, runDir: o.runDir, log };
    let end: (code: number) => void = () => {};
    const ended = new Promise<number>((resolve) => {
      end = resolve;
    });
    // Set once the daemon is up; a notice during start-up waits for it.
    let fenced: (() => Promise<void>) | undefined;
    let fencedEarly = false;
    const onFenced = () => {
      if (fenced) void fenced();
      else fencedEarly = true;
    };
    const cluster = fenceRunner ? await startClusterController({ ...context, configDir: o.configDir, fenceRunner, onFenced }) : undefined;
    const controller = cluster ?? (await o.controller.factory(context));
    undo.push(() => controller.close());
    const offCommit = attrd.onCommit((e) => controller.poke(`attribute ${e.name} on ${e.node} committed: ${e.committed ?? '(deleted)'}`));
    const admin: AdminServer = await startAdminServer({
      socket: adminSocket,
      ...(o.gid !== undefined ? { gid: o.gid } : {}),
      store,
      attrd,
      nodeName,
      controller: cluster ? `${o.controller.name} (cluster member)` : o.controller.name,
      poke: (reason) => controller.poke(reason),
      fencingHistory: () => loadHistory(join(o.stateDir, FENCING_HISTORY_FILE)),
      ...(cluster ? { cluster: cluster.admin } : {}),
    });
    log.info(
      `node ${nodeName} up: CIB ${store.version.adminEpoch}.${store.version.epoch}.${store.version.numUpdates}, admin socket ${adminSocket}, controller ${o.controller.name}${inCluster ? `, cluster member (${o.configDir})` : ''}`,
    );
    let stopping: Promise<void> | undefined;
    const closeAll = async () => {
      offCommit();
      controller.close();
      await admin.close();
      await executor.close();
      await attrd.close();
      unlock();
    };
    // fence-reaction=stop: the cluster part has closed itself; stop what runs here, then end
    fenced = () => {
      stopping ??= (async () => {
        const left = await stopLocalResources(executor, store.model(), log);
        await closeAll();
        log.crit(
          `stopped after being fenced${left.length > 0 ? `; still running: ${left.join(', ')}` : ''}: not rejoining (exit ${EXIT_FENCED})`,
        );
        end(EXIT_FENCED);
      })();
      return stopping;
    };
    if (fencedEarly) void fenced();
    return {
      nodeName,
      store,
      attrd,
      executor,
      controller,
      ended,
      stop() {
        stopping ??= (async () => {
          log.info('shutting down: stopping resources');
          await controller.shutdown();
          await closeAll();
          log.info('shutdown complete');
        })();
        return stopping;
      },
    };
  } catch (err) {
    return fail(err);
  }
}

function readSeed(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the seed CIB --cib ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
