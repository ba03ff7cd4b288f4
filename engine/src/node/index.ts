/**
 * The node daemon: CIB store, executor, attrd and the controller slot in one process, with an
 * admin socket for the CLI.
 *
 * @example
 * import { startNode, type ControllerFactory } from '@ocfkit/engine';
 */
export { adminCall, adminWatch, runDirOf } from './admin-client.js';
export * from './admin-protocol.js';
export type { Controller, ControllerContext, ControllerFactory } from './controller.js';
export { noController } from './controller.js';
export { CONTROLLERS, DEFAULT_CONTROLLER } from './controllers.js';
export { type NodeOptions, type RunningNode, startNode } from './daemon.js';
export { createHaLog, type HaLevel, type HaLog, type HaLogOptions } from './ha-log.js';
export { simulatedController } from './simulated-controller.js';
export { type ClusterStatus, clusterStatus } from './status.js';
export { statusText, statusXml } from './status-format.js';
