import type { OpResult, ResourceSpec } from './types';

/**
 * Meta-data results per agent (`provider:type`, or the explicit path). Concurrent requests share
 * one run; only successful results (rc 0, done) stay cached.
 *
 * @example
 * const cache = new MetaDataCache((spec) => runMetaData(spec));
 * const xml = (await cache.get({ id: 'Dummy', provider: 'heartbeat', type: 'Dummy' })).stdout;
 */
export class MetaDataCache {
  private readonly entries = new Map<string, Promise<OpResult>>();

  constructor(private readonly fetch: (spec: ResourceSpec) => Promise<OpResult>) {}

  get(spec: ResourceSpec, refresh = false): Promise<OpResult> {
    const key = spec.path ?? `${spec.provider}:${spec.type}`;
    const hit = this.entries.get(key);
    if (hit && !refresh) return hit;
    const p = this.fetch(spec).then((r) => {
      if ((r.rc !== 0 || r.execStatus !== 'done') && this.entries.get(key) === p) this.entries.delete(key);
      return r;
    });
    this.entries.set(key, p);
    return p;
  }
}
