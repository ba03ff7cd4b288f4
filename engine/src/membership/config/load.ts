import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkAuthkeysMode, parseAuthkeys } from './authkeys';
import { parseClusterJson } from './cluster-json';
import { ConfigError } from './config-error';
import { parseHaCf } from './ha-cf';
import type { AuthKey, ClusterConfig, ConfigWarning } from './types';

/** The cluster configuration of a node, with where it came from and every warning. */
export interface LoadedConfig {
  config: ClusterConfig;
  auth: AuthKey;
  source: 'ha.cf' | 'cluster.json';
  warnings: ConfigWarning[];
}

/**
 * Reads the cluster configuration from `dir`: Heartbeat's `ha.cf` + `authkeys` (authkeys mode
 * 0600 required), or ocfkit's `cluster.json` (0600 too: it holds the key). Both present is an
 * error (which one would win is a guess). Throws {@link ConfigError} naming file:line and why.
 *
 * @example
 * const { config, auth, warnings } = loadClusterConfig('/etc/ha.d');
 */
export function loadClusterConfig(dir: string): LoadedConfig {
  const haCf = join(dir, 'ha.cf');
  const json = join(dir, 'cluster.json');
  const hasHa = existsSync(haCf);
  const hasJson = existsSync(json);
  if (hasHa && hasJson) throw new ConfigError(dir, 0, 'holds both ha.cf and cluster.json; keep one');
  if (hasHa) {
    const ha = parseHaCf(readFileSync(haCf, 'utf8'), haCf);
    const keys = join(dir, 'authkeys');
    if (!existsSync(keys))
      throw new ConfigError(keys, 0, 'missing: ha.cf needs an authkeys file beside it (auth 1 / 1 sha256 KEY, mode 0600)');
    checkAuthkeysMode(keys, statSync(keys).mode);
    const ak = parseAuthkeys(readFileSync(keys, 'utf8'), keys, { allowCrc: ha.value.allowCrc });
    return { config: ha.value, auth: ak.value, source: 'ha.cf', warnings: [...ha.warnings, ...ak.warnings] };
  }
  if (hasJson) {
    checkAuthkeysMode(json, statSync(json).mode);
    const parsed = parseClusterJson(readFileSync(json, 'utf8'), json);
    return { config: parsed.value.config, auth: parsed.value.auth, source: 'cluster.json', warnings: parsed.warnings };
  }
  throw new ConfigError(dir, 0, 'holds neither ha.cf (+ authkeys) nor cluster.json');
}
