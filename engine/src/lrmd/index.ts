/**
 * The executor (lrmd): runs OCF agent actions with pacemaker-execd's semantics.
 *
 * @example
 * import { Executor } from '@ocfkit/engine';
 */
export { DEFAULT_SEARCH_PATH, findAgent } from './agent-path';
export { agentEnv, inheritedEnv } from './env';
export { Executor, type ExecutorEvents, type ExecutorOptions } from './executor';
export { type HistorySummary, isFailedByDefault, summarizeHistory } from './history';
export type { ExecStatus, OpRequest, OpResult, ResourceSpec } from './types';
