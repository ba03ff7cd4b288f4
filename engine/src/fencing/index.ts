/**
 * Fencing (stonithd): fence devices from `stonith:` primitives, RHCS fence agents run the way
 * pacemaker-fenced runs them, `fencing-topology`, and the fencing history.
 *
 * @example
 * import { FenceRunner, fenceDevice } from '@ocfkit/engine';
 */
export { fenceArgs, isFencerParam, stdinText } from './args';
export { type DeviceRegistration, fenceDevicesFromCib } from './cib-devices';
export { fenceForController, fencerConfigFromCib, stonithActionOf } from './controller-bridge';
export {
  actionRetries,
  actionTimeoutMs,
  agentAction,
  type FenceDevice,
  fenceDevice,
  fencingDelayMs,
  type HostCheck,
  hostCheck,
} from './device';
export { stonithDeviceOps } from './device-ops';
export { type FenceAction, Fencer, type FencerConfig, type FencerEffect, type FencerInput, type HistoryEntry } from './fencer';
export { fencingStatusText, formatHistory, loadHistory, saveHistory } from './history-file';
export { type FenceMetadata, type FenceParameter, parseFenceMetadata } from './metadata';
export { recordFenced } from './record';
export { type DeviceResult, type Eligibility, FenceRunner, type RunnerOptions } from './runner';
export { type FenceExec, type FenceExecResult, type FenceTransport, FencingService, type FencingServiceOptions } from './service';
export { type AgentRun, type SpawnAgent, type SpawnRequest, spawnAgent } from './spawn-agent';
export { includesTarget, parseHostMap, parseTargets } from './targets';
export { type FencingLevel, levelsFor, readTopology } from './topology';
