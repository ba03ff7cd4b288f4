export { defineFenceAgent, isFenceAgent } from './define-fence-agent';
export { executeFence, FENCE_EXIT, type FenceInvocation } from './execute';
export { fenceMetaData } from './metadata';
export { runFenceAgent } from './run';
export type { FenceAgent, FenceAgentSpec, FenceContext, FenceHandlers, Outlet, PowerState } from './types';
