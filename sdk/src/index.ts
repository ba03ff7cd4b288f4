/**
 * @ocfkit/sdk — author OCF resource agents in TypeScript.
 *
 * @example
 * import { defineAgent, fail, failed, OCF } from '@ocfkit/sdk';
 */
export { type AttrdCallOptions, attrdCall } from './attributes/attrd-client';
export { checkAttribute, checkDampen } from './attributes/names';
export { ocfkitAttributes } from './attributes/ocfkit-backend';
export { pacemakerAttributes, parseAttrdQuery, parseAttrdQueryAll } from './attributes/pacemaker-backend';
export {
  ATTRD_LIST_PAGE_BYTES,
  ATTRD_MAX_LINE,
  ATTRD_SOCKET_ENV,
  type AttrdRequest,
  type AttrdResponse,
  type AttributeRecord,
  DEFAULT_ATTRD_SOCKET,
  parseRequest as parseAttrdRequest,
} from './attributes/protocol';
export { type AttributeHost, nodeAttributes } from './attributes/select';
export {
  type AttributeBackend,
  type AttributeOptions,
  type AttributeTable,
  type NodeAttributes,
  promotionAttribute,
  type QueryOptions,
} from './attributes/types';
export { WARM_RUNNABLE_MARKER } from './build/warm-marker';
export { EXIT_REASON_MAX, EXIT_REASON_PREFIX, normalizeOcfCode, OCF, type OcfCode, ocfCodeName, parseExitReason } from './codes';
export type { AgentContext, NotifyInfo, OpMeta } from './context';
export { type ActionTiming, type Agent, type AgentActions, type AgentSpec, defineAgent } from './define-agent';
export { fail, OcfError } from './errors';
export type { Exec, ExecOptions, ExecResult } from './exec/types';
export {
  defineFenceAgent,
  executeFence,
  FENCE_EXIT,
  type FenceAgent,
  type FenceAgentSpec,
  type FenceContext,
  type FenceHandlers,
  type FenceInvocation,
  fenceMetaData,
  isFenceAgent,
  type Outlet,
  type PowerState,
  runFenceAgent,
} from './fence/index';
export { findExecutable, isExecutableFile } from './fs/executable';
export { readSmallFile, SMALL_FILE_MAX_BYTES } from './fs/read-small-file';
export { readFailure, readRegularFile } from './fs/regular-file';
export type { Logger, LogLevel } from './log/logger';
export { metaData, usage } from './metadata/metadata';
export { escapeXml } from './metadata/xml';
export { formatDuration, parseDuration } from './params/duration';
export type { ParamsSchema } from './params/schema';
export type {
  BooleanParam,
  DurationParam,
  IntegerParam,
  ParamSpec,
  ParamSpecs,
  ParamValue,
  ParamValues,
  SelectParam,
  StringParam,
} from './params/types';
export type { ValidateFn } from './params/validate';
export { FALSE_WORDS, parseOcfBoolean, TRUE_WORDS } from './params/words';
export {
  CLOCK_TICKS,
  isAlive,
  type Liveness,
  listPids,
  type ProcLink,
  type ProcStat,
  parseProcStat,
  procCmdline,
  processesWithEnvEntry,
  processLiveness,
  processStartMs,
  procLink,
  procUid,
  readProcStat,
} from './process/proc';
export { MAX_TIMER_MS } from './runtime/deadline';
export { type ExecuteOptions, execute, type Invocation } from './runtime/execute';
export { HELPER_ACTION, type Helper, type HelperContext, runHelper } from './runtime/helper';
export { run } from './runtime/run';
export { type DegradedState, degraded, describeState, type FailedState, failed, type State, stateName } from './state';
