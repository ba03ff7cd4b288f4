/** Pacemaker's vocabulary, shared by core, lrmd, cib and the controller. Pure: no I/O. */

export { type AgentDigestInfo, type AgentParam, restartDigest, secureDigest } from './agent-digests.js';
export { parseDurationMs, parseIntervalMs, parseIsoDurationMs } from './duration.js';
export { EXEC_STATUS, type ExecutorStatus, effectiveRc, execStatusText, OCF, opStatusOf } from './exec-status.js';
export { CRM_FEATURE_SET } from './feature-set.js';
export { type HistoryInput, historyEntry, isFailure } from './history-entry.js';
export { md5Hex } from './md5.js';
export { digestParams, opDigest, parametersDigest } from './op-digest.js';
export { opKey, type ParsedOpKey, parseOpKey } from './op-key.js';
export {
  decodeTransitionKey,
  decodeTransitionMagic,
  encodeTransitionKey,
  encodeTransitionMagic,
  type TransitionKey,
  type TransitionMagic,
} from './transition-key.js';
