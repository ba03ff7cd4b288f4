import { attrdCall } from './attrd-client';
import { checkAttribute, checkDampen } from './names';
import type { AttributeRecord } from './protocol';
import { type AttributeTable, type NodeAttributes, promotionAttribute } from './types';

/**
 * The bundled engine's attrd as a {@link NodeAttributes} backend, reached through its local socket.
 *
 * @example
 * const attrs = ocfkitAttributes('/run/ocfkit/attrd.sock');
 * await attrs.set('diskcheck_status', 'ERROR');
 */
export function ocfkitAttributes(socket: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): NodeAttributes {
  const call = (req: Parameters<typeof attrdCall>[1]) => attrdCall(socket, req, options);
  const at = (node: string | undefined) => (node !== undefined ? { node } : {});
  const update = async (name: string, value: string | null, node?: string, dampenMs?: number) => {
    checkAttribute({ name, node, value });
    checkDampen(dampenMs);
    await call({ op: 'update', name, value, ...at(node), ...(dampenMs !== undefined ? { dampenMs } : {}) });
  };
  const get = async (name: string, node?: string) => {
    checkAttribute({ name, node });
    const r = await call({ op: 'query', name, ...at(node) });
    return r.attribute?.value ?? undefined;
  };
  /** One `list` (paged: usually one round trip) for every node's attributes, kept to `names`. */
  const getAll = async (names: readonly string[]): Promise<AttributeTable> => {
    for (const name of names) checkAttribute({ name });
    const table = new Map<string, Map<string, string>>(names.map((n) => [n, new Map()]));
    const all: AttributeRecord[] = [];
    for (let offset: number | undefined = 0; offset !== undefined; ) {
      const r = await call({ op: 'list', offset });
      all.push(...(r.attributes ?? []));
      offset = r.next;
    }
    for (const a of all) if (a.value !== null) table.get(a.name)?.set(a.node, a.value);
    return table;
  };
  return {
    backend: 'ocfkit',
    getAll,
    set: (name, value, o = {}) => update(name, value, o.node, o.dampenMs),
    get: (name, o = {}) => get(name, o.node),
    delete: (name, o = {}) => update(name, null, o.node, o.dampenMs),
    setPromotionScore: (resource, score, o = {}) => {
      if (!Number.isInteger(score)) throw new TypeError(`promotion score ${score} must be an integer`);
      return update(promotionAttribute(resource), String(score), o.node);
    },
    getPromotionScore: async (resource, o = {}) => {
      const v = await get(promotionAttribute(resource), o.node);
      return v === undefined ? undefined : Number.parseInt(v, 10);
    },
    deletePromotionScore: (resource, o = {}) => update(promotionAttribute(resource), null, o.node),
  };
}
