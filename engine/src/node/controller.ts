/**
 * The controller slot of the node daemon: the one place where the controller (engine/src/crmd)
 * plugs in. The daemon builds the parts a controller needs and hands them to a
 * {@link ControllerFactory}; it pokes the controller on every administrative CIB change and every
 * committed node-attribute change, and calls {@link Controller.shutdown} on SIGTERM.
 */
import type { Attrd } from '../attrd/server.js';
import type { CibStore } from '../cib/store.js';
import type { Executor } from '../lrmd/executor.js';
import type { HaLog } from './ha-log.js';

/** What the daemon gives the controller. */
export interface ControllerContext {
  /** The node's CIB: read `model()`/`xml()`, record results with `updateStatus`, `subscribe` to changes. */
  store: CibStore;
  /** The executor (lrmd) that runs the agents. */
  executor: Executor;
  /** The bundled attrd: committed values for rules, `onCommit` for changes. */
  attrd: Attrd;
  /** This node's name (`--node-name`, else the host name). */
  nodeName: string;
  /** `--state-dir`: persistent state (the CIB lives in `<stateDir>/cib`; pe-inputs go in `<stateDir>/pengine`). */
  stateDir: string;
  /** `--run-dir`: sockets and state that does not survive a reboot. */
  runDir: string;
  /** The shared HA-format log (use `decision`/`result` with the transition number). */
  log: HaLog;
}

/** A running controller. */
export interface Controller {
  /** Something changed (the reason is for the log): recompute from the current CIB. */
  poke(reason: string): void;
  /** SIGTERM: stop every resource in order, then resolve (the daemon exits 0 afterwards). */
  shutdown(): Promise<void>;
  /** Drop timers and subscriptions at once, without stopping resources (a crash-like stop). */
  close(): void;
}

/** Builds the controller of a node daemon. */
export type ControllerFactory = (context: ControllerContext) => Controller | Promise<Controller>;

/**
 * The controller used until the real one (engine/src/crmd) is wired in: it decides nothing and
 * runs nothing, and says so in the log. Temporary.
 *
 * @example
 * const controller = await noController(context);
 */
export const noController: ControllerFactory = ({ log }) => {
  log.warn('no controller: this daemon keeps the CIB and attributes but runs no resources');
  return {
    poke: (reason) => log.debug(`no controller to act on: ${reason}`),
    shutdown: async () => {},
    close: () => {},
  };
};
