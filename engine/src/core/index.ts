/** The pure policy engine: typed CIB model, schedule(), transition graph, post-transition CIB. */
export { applyTransition } from './apply.js';
export type * from './cib-model.js';
export type { ActionAgent, ActionDetail, GraphAction, GraphEdge, TransitionGraph } from './graph.js';
export { describeGraph, type GraphXmlOptions, graphToXml } from './graph-xml.js';
export { evaluateExpression, evaluateRule } from './rules.js';
export { type Placement, type ScheduleInput, type ScheduleResult, schedule } from './schedule.js';
export { addScores, formatScore, INFINITY, parseScore } from './score.js';
