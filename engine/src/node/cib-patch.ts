/**
 * `ocfkit cib patch`: applies a Pacemaker patch set, format 2 (what `crm_diff` writes and
 * `cibadmin --patch` applies): `<diff format="2">` with `<change operation="create|delete|modify|move"
 * path="/cib/configuration/...">`. Deletes and modifies apply first, in order, then creates and
 * moves by position, as Pacemaker does. The `<version>` source, when present, must match the
 * current admin_epoch and epoch; changes to `/cib`'s version counters are left to the store.
 */
import { CibError, parseXml, type XmlElement } from '../cib/xml-tree.js';

interface Step {
  name: string;
  id?: string;
  index?: number;
}

/** Parses the XPath subset patch sets use: `/cib/configuration/resources/primitive[@id='x']`. */
export function parsePath(path: string): Step[] {
  if (!path.startsWith('/')) throw new CibError(`patch path "${path}" is not absolute`);
  const steps: Step[] = [];
  const re = /\/([A-Za-z_][\w.-]*)(?:\[@id=(?:'([^']*)'|"([^"]*)")\]|\[(\d+)\])?/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m) throw new CibError(`patch path "${path}" is not understood at "${path.slice(at)}"`);
    const id = m[2] ?? m[3];
    steps.push({ name: m[1] as string, ...(id !== undefined ? { id } : {}), ...(m[4] !== undefined ? { index: Number(m[4]) } : {}) });
    at = re.lastIndex;
  }
  return steps;
}

function resolve(root: XmlElement, path: string): { node: XmlElement; parent?: XmlElement } {
  const steps = parsePath(path);
  const first = steps[0];
  if (!first || first.name !== root.name) throw new CibError(`patch path "${path}" does not start at <${root.name}>`);
  let node = root;
  let parent: XmlElement | undefined;
  for (const s of steps.slice(1)) {
    const same = node.children.filter((c) => c.name === s.name && (s.id === undefined || c.attrs.id === s.id));
    const next = s.index !== undefined ? same[s.index - 1] : same[0];
    if (!next) throw new CibError(`patch path "${path}": no <${s.name}${s.id !== undefined ? ` id="${s.id}"` : ''}> there`);
    parent = node;
    node = next;
  }
  return parent ? { node, parent } : { node };
}

function position(change: XmlElement): number {
  const raw = change.attrs.position;
  const n = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CibError(`<change operation="${change.attrs.operation}"> has a bad position="${raw ?? ''}"`);
  return n;
}

/** What the patch set says it applies to: admin_epoch and epoch of its source. */
interface PatchSource {
  adminEpoch: number;
  epoch: number;
}

/**
 * Applies patch set `patchXml` to `cib` in place; returns the source version it declares (if any),
 * for the caller to check against the current version. Throws a CibError naming the change that
 * cannot apply.
 *
 * @example
 * applyPatch(tree, execSync('crm_diff -o old.xml -n new.xml').toString());
 */
export function applyPatch(cib: XmlElement, patchXml: string): PatchSource | undefined {
  const diff = parseXml(patchXml);
  if (diff.name !== 'diff') throw new CibError(`a patch set is a <diff>, not <${diff.name}>`);
  if (diff.attrs.format !== '2')
    throw new CibError(`patch set format "${diff.attrs.format ?? '1'}" is not supported (only format 2, what crm_diff writes)`);
  const source = diff.children.find((c) => c.name === 'version')?.children.find((c) => c.name === 'source');
  const changes = diff.children.filter((c) => c.name === 'change');
  const first = changes.filter((c) => c.attrs.operation === 'delete' || c.attrs.operation === 'modify');
  const later = changes
    .filter((c) => c.attrs.operation === 'create' || c.attrs.operation === 'move')
    .sort((a, b) => position(a) - position(b));
  for (const c of changes)
    if (!['delete', 'modify', 'create', 'move'].includes(c.attrs.operation ?? ''))
      throw new CibError(`<change> has unknown operation "${c.attrs.operation ?? ''}"`);
  for (const c of [...first, ...later]) {
    const path = c.attrs.path;
    if (path === undefined) throw new CibError(`<change operation="${c.attrs.operation}"> has no path`);
    const { node, parent } = resolve(cib, path);
    switch (c.attrs.operation) {
      case 'delete':
        if (!parent) throw new CibError('a patch cannot delete <cib>');
        parent.children = parent.children.filter((x) => x !== node);
        break;
      case 'modify': {
        const list = c.children.find((x) => x.name === 'change-list')?.children ?? [];
        for (const a of list) {
          const name = a.attrs.name;
          if (a.name !== 'change-attr' || name === undefined) continue;
          // The store keeps the version counters itself.
          if (node === cib && ['admin_epoch', 'epoch', 'num_updates'].includes(name)) continue;
          if (a.attrs.operation === 'unset') delete node.attrs[name];
          else if (a.attrs.operation === 'set') node.attrs[name] = a.attrs.value ?? '';
          else throw new CibError(`<change-attr name="${name}"> has unknown operation "${a.attrs.operation ?? ''}"`);
        }
        break;
      }
      case 'create': {
        const created = c.children[0];
        if (!created) throw new CibError(`<change operation="create" path="${path}"> has no element to create`);
        node.children.splice(Math.min(position(c), node.children.length), 0, created);
        break;
      }
      case 'move': {
        if (!parent) throw new CibError('a patch cannot move <cib>');
        parent.children = parent.children.filter((x) => x !== node);
        parent.children.splice(Math.min(position(c), parent.children.length), 0, node);
        break;
      }
    }
  }
  if (!source) return undefined;
  const n = (k: string) => {
    const v = Number(source.attrs[k] ?? '0');
    if (!Number.isInteger(v)) throw new CibError(`<source> has a bad ${k}="${source.attrs[k]}"`);
    return v;
  };
  return { adminEpoch: n('admin_epoch'), epoch: n('epoch') };
}
