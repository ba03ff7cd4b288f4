/** Cluster configuration: Heartbeat's ha.cf + authkeys, or ocfkit's cluster.json. */
export { checkAuthkeysMode, parseAuthkeys } from './authkeys';
export { parseClusterJson } from './cluster-json';
export { ConfigError } from './config-error';
export { heartbeatMs } from './duration';
export { type Parsed, parseHaCf } from './ha-cf';
export { type LoadedConfig, loadClusterConfig } from './load';
export * from './types';
