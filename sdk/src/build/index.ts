export { type BuildOptions, type BuiltAgent, buildAgent, loadAgent } from './bundle';
export { AGENT_FILE, discoverAgents } from './discover';
export { sdkEntry } from './sdk-entry';
export { standaloneValidator } from './standalone';
