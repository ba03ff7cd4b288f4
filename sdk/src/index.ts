/**
 * @ocfkit/sdk — author OCF resource agents in TypeScript.
 *
 * @example
 * import { defineAgent, fail, failed, OCF } from '@ocfkit/sdk';
 */
export { EXIT_REASON_MAX, EXIT_REASON_PREFIX, normalizeOcfCode, OCF, type OcfCode, ocfCodeName, parseExitReason } from './codes';
export type { AgentContext, NotifyInfo, OpMeta } from './context';
export { type ActionTiming, type Agent, type AgentActions, type AgentSpec, defineAgent } from './define-agent';
export { fail, OcfError } from './errors';
export type { Exec, ExecOptions, ExecResult } from './exec/types';
export type { Logger, LogLevel } from './log/logger';
export { metaData, usage } from './metadata/metadata';
export { escapeXml } from './metadata/xml';
export { formatDuration, parseDuration } from './params/duration';
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
export { FALSE_WORDS, parseOcfBoolean, TRUE_WORDS } from './params/words';
export { type ExecuteOptions, execute, type Invocation } from './runtime/execute';
export { run } from './runtime/run';
export { type DegradedState, degraded, describeState, type FailedState, failed, type State, stateName } from './state';
