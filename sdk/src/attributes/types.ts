/** Where an attribute update goes: which node, and with what dampening. */
export interface AttributeOptions {
  /** The node whose attribute to change; default the local node. */
  node?: string;
  /**
   * Dampening in ms: how long the value must stay unchanged before the cluster acts on it
   * (Pacemaker writes it to the CIB then). Given on `set`, it also becomes the attribute's
   * dampening, like `attrd_updater -B VALUE -d DELAY`.
   */
  dampenMs?: number;
}

/** Which node to read from. */
export interface QueryOptions {
  /** Default the local node. */
  node?: string;
}

/** Every node's value of some attributes: attribute name → node name → value (unset ones absent). */
export type AttributeTable = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The backends {@link NodeAttributes} can talk to. */
export type AttributeBackend = 'pacemaker' | 'ocfkit';

/**
 * The node-attribute port agents use (diskcheck, ping-like agents, promotion scores). One
 * interface, two backends: Pacemaker's attrd (`attrd_updater`, `crm_attribute`) and the
 * bundled engine's attrd (a local socket). Pick one with `nodeAttributes(ctx)`.
 *
 * @example
 * const attrs = nodeAttributes(ctx);
 * await attrs.set('diskcheck_status', 'normal', { dampenMs: 5000 });
 */
export interface NodeAttributes {
  readonly backend: AttributeBackend;
  /** Sets `name` to `value`. */
  set(name: string, value: string, options?: AttributeOptions): Promise<void>;
  /** The current value (as attrd holds it, before dampening), or `undefined` when unset. */
  get(name: string, options?: QueryOptions): Promise<string | undefined>;
  /**
   * Every node's value of each of `names` (as `get` reads them), in as few calls as the backend
   * allows: Pacemaker one `attrd_updater -Q -A -n NAME` per name, the bundled attrd one `list`.
   * For an agent that reads the same attributes of many nodes (a promotion score is
   * `promotionAttribute(resource)`).
   *
   * @example
   * const t = await attrs.getAll(['pgsql-status', promotionAttribute('pgsql')]);
   * t.get('pgsql-status')?.get('node2') // 'HS:sync'
   */
  getAll(names: readonly string[]): Promise<AttributeTable>;
  /** Removes the attribute (Pacemaker: sets it to the empty value, which rules see as not defined). */
  delete(name: string, options?: AttributeOptions): Promise<void>;
  /** Sets this node's promotion score for `resource` (`crm_attribute --promotion`; attribute `master-<resource>`). */
  setPromotionScore(resource: string, score: number, options?: QueryOptions): Promise<void>;
  /** The promotion score for `resource`, or `undefined` when none is set. */
  getPromotionScore(resource: string, options?: QueryOptions): Promise<number | undefined>;
  /** Removes the promotion score for `resource`. */
  deletePromotionScore(resource: string, options?: QueryOptions): Promise<void>;
}

/** The attribute Pacemaker uses for a resource's promotion score on a node. */
export function promotionAttribute(resource: string): string {
  return `master-${resource.replace(/:\d+$/, '')}`;
}
