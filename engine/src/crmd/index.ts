/** The controller (crmd): level-triggered loop CIB + events → schedule → execute graph via lrmd → record results. */
export { Controller, type ControllerEffect, type ControllerEvent, type ControllerOptions, type OpOutcome } from './controller.js';
export type { ExecAction, ExecGraph } from './exec-graph.js';
export { readGraphXml } from './graph-read.js';
export { MemoryDriver, MemoryExecutor } from './memory-executor.js';
export { DEFAULT_SERIES_MAX, nextPeInputSeq, savePeInput } from './pe-inputs.js';
export { type ControllerDeps, outcomeOf, type RunningController, requestFor, runOnExecutor, startController } from './shell.js';
