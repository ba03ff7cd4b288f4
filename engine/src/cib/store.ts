/**
 * The node's CIB: the XML document in memory, its configuration persisted in `cib.xml` (see
 * store-files.ts), the version triple kept as Pacemaker does, and a change subscription.
 *
 * The configuration is persisted on every change; the status section lives in memory only, as in
 * Pacemaker (the controller rebuilds it by probing after a restart). Every change is validated
 * with the CIB import before it is committed; a refused change leaves everything as it was.
 */
import type { Cib } from '../core/cib-model.js';
import { cibToXmlTree } from './export.js';
import { importCib } from './import.js';
import { CIB_FILE, type CibFileOptions, ensureDir, readCibFile, writeCibFile } from './store-files.js';
import {
  type CibVersion,
  compareVersions,
  formatVersion,
  nextConfigVersion,
  nextStatusVersion,
  readVersion,
  writeVersion,
} from './store-version.js';
import { CibError, el, parseXml, serializeXml, type XmlElement } from './xml-tree.js';

/** One committed change, as subscribers see it. */
export interface CibChange {
  previous: CibVersion;
  version: CibVersion;
  /** Anything outside `<status>` changed (and was written to disk). */
  configChanged: boolean;
  /** Who asked for it (`cibadmin`-like client name: `ocfkit cib replace`, `controller`...). */
  origin: string;
}

export interface CibStoreOptions extends CibFileOptions {
  /** The directory holding cib.xml, its digest and backups (created 0700 when missing). */
  dir: string;
  /** A seed CIB (XML text) used only when `dir` holds no CIB yet. */
  seed?: string;
  /** Where the seed came from, for messages. */
  seedName?: string;
  /** Messages about what loading found (a rolled-forward write, a restored backup). */
  log?: (level: 'info' | 'warn', message: string) => void;
  /** Epoch ms, for `cib-last-written`. */
  now?: () => number;
}

const FEATURE_SET = '3.16.1';
const VERSION_ATTRS = new Set(['admin_epoch', 'epoch', 'num_updates', 'cib-last-written', 'update-origin', 'update-client', 'update-user']);
/** `<cib>` attributes the controller keeps up to date as status (no epoch bump when they change). */
export const STATUS_ATTRS: readonly string[] = ['have-quorum', 'dc-uuid'];
const NOT_CONFIG = new Set([...VERSION_ATTRS, ...STATUS_ATTRS]);

function emptyCib(): XmlElement {
  return el('cib', { crm_feature_set: FEATURE_SET, 'validate-with': 'pacemaker-3.9', admin_epoch: 0, epoch: 0, num_updates: 0 }, [
    el('configuration', {}, [el('crm_config', {}), el('nodes', {}), el('resources', {}), el('constraints', {})]),
    el('status', {}),
  ]);
}

function clone(e: XmlElement): XmlElement {
  return { name: e.name, attrs: { ...e.attrs }, children: e.children.map(clone) };
}

/** `<status>` of a CIB tree, added when missing. */
function statusOf(root: XmlElement): XmlElement {
  let s = root.children.find((c) => c.name === 'status');
  if (!s) {
    s = el('status', {});
    root.children.push(s);
  }
  return s;
}

/** The configuration part of a tree as text (status and version counters left out): what "config changed" compares. */
function configKey(root: XmlElement): string {
  const attrs = Object.fromEntries(Object.entries(root.attrs).filter(([k]) => !NOT_CONFIG.has(k)));
  return serializeXml({ name: root.name, attrs, children: root.children.filter((c) => c.name !== 'status') });
}

/** The status part of a tree as text (with the status attributes of `<cib>`). */
function statusKey(root: XmlElement): string {
  return `${STATUS_ATTRS.map((a) => `${a}=${root.attrs[a] ?? ''}`).join(' ')}\n${serializeXml(statusOf(root))}`;
}

/** Throws a CibError naming the element when the tree is not a CIB the engine accepts. */
function validate(root: XmlElement): void {
  if (root.name !== 'cib') throw new CibError(`root element is <${root.name}>, expected <cib>`);
  readVersionChecked(root);
  const status = root.children.find((c) => c.name === 'status');
  if (status) checkNodeStateIds(status);
  importCib(serializeXml(root));
}

/** Pacemaker ignores a node state without an id (importCib does too); the store never keeps one. */
function checkNodeStateIds(status: XmlElement): void {
  for (const s of status.children)
    if (s.name === 'node_state' && !s.attrs.id) throw new CibError('<node_state> is missing required attribute "id"');
}

function readVersionChecked(root: XmlElement): CibVersion {
  try {
    return readVersion(root.attrs);
  } catch (err) {
    throw new CibError((err as Error).message);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * ctime(3) in UTC, as Pacemaker writes `cib-last-written`: `Fri Jan 15 07:58:20 2027`.
 *
 * @example
 * ctimeUtc(1_800_000_000) // 'Fri Jan 15 08:00:00 2027'
 */
export function ctimeUtc(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

/**
 * The CIB of one node. Open it with {@link CibStore.open}; read it with {@link xml} or
 * {@link model}; change it with {@link replace}, {@link updateConfig} or {@link updateStatus}.
 *
 * @example
 * const store = CibStore.open({ dir: '/var/lib/ocfkit/cib', seed: readFileSync('cib.xml', 'utf8') });
 * store.subscribe((c) => console.log(`CIB ${formatVersion(c.version)} from ${c.origin}`));
 * store.updateConfig((cib) => { ... }, 'ocfkit resource move');
 */
export class CibStore {
  private root: XmlElement;
  private key: string;
  private cachedModel?: Cib;
  private cachedXml?: string;
  private readonly listeners = new Set<(change: CibChange) => void>();

  private constructor(
    private readonly options: CibStoreOptions,
    root: XmlElement,
  ) {
    this.root = root;
    this.key = configKey(root);
  }

  /**
   * Loads the CIB from `options.dir` (digest checked, see {@link readCibFile}); on a first start
   * takes `options.seed` (its status section dropped: the controller probes), or an empty CIB.
   * Throws when the stored CIB or the seed is invalid.
   */
  static open(options: CibStoreOptions): CibStore {
    const log = options.log ?? (() => {});
    ensureDir(options.dir);
    const loaded = readCibFile(options.dir, options.now);
    for (const w of loaded?.warnings ?? []) log('warn', w);
    let root: XmlElement;
    if (loaded) {
      root = parseXml(loaded.xml);
      try {
        validate(root);
      } catch (err) {
        throw new CibError(`the stored CIB ${options.dir}/${CIB_FILE} is not valid: ${(err as Error).message}`);
      }
      log('info', `CIB ${formatVersion(readVersion(root.attrs))} loaded from ${loaded.source}`);
      if (options.seed !== undefined) log('info', `seed ${options.seedName ?? 'CIB'} ignored: ${options.dir} already holds a CIB`);
    } else if (options.seed !== undefined) {
      try {
        root = parseXml(options.seed);
        validate(root);
      } catch (err) {
        throw new CibError(`seed ${options.seedName ?? 'CIB'} is not valid: ${(err as Error).message}`);
      }
      const status = statusOf(root);
      if (status.children.length > 0) log('info', `seed ${options.seedName ?? 'CIB'}: status section dropped (resources are probed)`);
      status.children = [];
    } else {
      root = emptyCib();
    }
    statusOf(root);
    const store = new CibStore(options, root);
    if (!loaded) {
      store.persist();
      log(
        'info',
        `CIB ${formatVersion(store.version)} created from ${options.seed !== undefined ? (options.seedName ?? 'the seed') : 'nothing (empty)'}`,
      );
    }
    return store;
  }

  /** The current version triple. */
  get version(): CibVersion {
    return readVersion(this.root.attrs);
  }

  /** The whole CIB as XML (configuration and the in-memory status). */
  xml(): string {
    this.cachedXml ??= serializeXml(this.root);
    return this.cachedXml;
  }

  /** A copy of the document, free to modify. */
  snapshot(): XmlElement {
    return clone(this.root);
  }

  /** The CIB as the engine's typed model (cached until the next change). */
  model(): Cib {
    this.cachedModel ??= importCib(this.xml());
    return this.cachedModel;
  }

  /** Calls `listener` after every committed change; returns the unsubscribe function. */
  subscribe(listener: (change: CibChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Replaces the configuration with that of `xml` (a whole `<cib>`). The status section stays
   * the controller's: the one in `xml` is ignored. Refused (CibError) when invalid or older than
   * the current configuration (admin_epoch, epoch). Returns the change, or undefined when the
   * configuration is the same.
   */
  replace(xml: string, origin: string): CibChange | undefined {
    const next = parseXml(xml);
    validate(next);
    const current = this.version;
    const given = readVersion(next.attrs);
    if (compareVersions(given, current, false) < 0)
      throw new CibError(
        `the new CIB (version ${formatVersion(given)}) is older than the current one (${formatVersion(current)}); start from \`ocfkit cib query\``,
      );
    next.children = [...next.children.filter((c) => c.name !== 'status'), statusOf(this.root)];
    // An administrator may raise admin_epoch (a new generation, taken as given); otherwise the
    // epoch moves on from the newer of the two.
    const bump = (): CibVersion =>
      given.adminEpoch > current.adminEpoch
        ? { ...given, numUpdates: 0 }
        : { adminEpoch: current.adminEpoch, epoch: Math.max(current.epoch, given.epoch) + 1, numUpdates: 0 };
    return this.commit(next, origin, bump);
  }

  /**
   * Takes a configuration as it is, versions included (a cluster member taking its DC's copy):
   * the `<cib>` attributes and everything but `<status>` come from `xml`, the status section stays
   * this node's. Validated; written to disk. Returns undefined when nothing changed.
   */
  adopt(xml: string, origin: string): CibChange | undefined {
    const next = parseXml(xml);
    validate(next);
    const status = statusOf(this.root);
    next.children = [...next.children.filter((c) => c.name !== 'status'), status];
    for (const a of STATUS_ATTRS) {
      if (this.root.attrs[a] === undefined) delete next.attrs[a];
      else next.attrs[a] = this.root.attrs[a] as string;
    }
    const previous = this.version;
    const version = readVersion(next.attrs);
    const key = configKey(next);
    if (key === this.key && compareVersions(version, previous, false) === 0) return undefined;
    this.persist(next);
    this.root = next;
    const configChanged = key !== this.key;
    this.key = key;
    return this.changed({ previous, version, configChanged, origin });
  }

  /**
   * Changes the document through `change` (given a copy; anything may change, status included).
   * Validated before it is committed; a configuration change bumps epoch and is written to disk,
   * a status-only change bumps num_updates. Returns undefined when nothing changed.
   */
  updateConfig(change: (cib: XmlElement) => void, origin: string): CibChange | undefined {
    const next = clone(this.root);
    change(next);
    validate(next);
    return this.commit(next, origin, nextConfigVersion);
  }

  /**
   * Changes the status section in place (cheap: nothing is copied or written to disk) and bumps
   * num_updates. `change` gets `<status>` and the attributes of `<cib>`, of which it may change
   * only {@link STATUS_ATTRS}; the new status section is checked and the change undone when it
   * is not valid.
   */
  updateStatus(change: (status: XmlElement, cibAttrs: Record<string, string>) => void, origin: string): CibChange {
    const status = statusOf(this.root);
    const before = status.children;
    const attrsBefore = this.root.attrs;
    status.children = before.map(clone);
    this.root.attrs = { ...attrsBefore };
    try {
      change(status, this.root.attrs);
      for (const k of new Set([...Object.keys(attrsBefore), ...Object.keys(this.root.attrs)]))
        if (!STATUS_ATTRS.includes(k) && attrsBefore[k] !== this.root.attrs[k])
          throw new CibError(`a status update may not change <cib ${k}> (only ${STATUS_ATTRS.join(', ')})`);
      checkNodeStateIds(status);
      importCib(serializeXml(el('cib', {}, [el('configuration', {}), status])));
    } catch (err) {
      status.children = before;
      this.root.attrs = attrsBefore;
      throw err;
    }
    const previous = this.version;
    const version = nextStatusVersion(previous);
    writeVersion(this.root.attrs, version);
    return this.changed({ previous, version, configChanged: false, origin });
  }

  /**
   * Records the status of a typed CIB the controller computed (its `status` and the
   * {@link STATUS_ATTRS} of its `attrs`): replaces `<status>`, bumps num_updates. The typed model
   * is valid by construction, so nothing is re-parsed, and {@link model} afterwards returns the
   * current configuration with this status without importing the document again.
   *
   * @example
   * store.writeStatus(recordOps(store.model(), 'n1', agent, [entry]), 'controller');
   */
  writeStatus(cib: Cib, origin: string): CibChange | undefined {
    const tree = cibToXmlTree({
      ...cib,
      crmConfig: [],
      nodes: [],
      resources: [],
      constraints: [],
      rscDefaults: [],
      opDefaults: [],
      other: [],
    });
    const status = statusOf(tree);
    const attrs = { ...this.root.attrs };
    for (const a of STATUS_ATTRS) {
      if (cib.attrs[a] === undefined) delete attrs[a];
      else attrs[a] = cib.attrs[a];
    }
    const model = this.cachedModel;
    const before = statusKey(this.root);
    const statusEl = statusOf(this.root);
    const oldChildren = statusEl.children;
    const oldAttrs = this.root.attrs;
    statusEl.children = status.children;
    this.root.attrs = attrs;
    if (statusKey(this.root) === before) {
      statusEl.children = oldChildren;
      this.root.attrs = oldAttrs;
      return undefined;
    }
    const previous = readVersion(oldAttrs);
    const version = nextStatusVersion(previous);
    writeVersion(this.root.attrs, version);
    let next: Cib | undefined;
    if (model) {
      const modelAttrs = { ...model.attrs };
      for (const a of [...STATUS_ATTRS, 'admin_epoch', 'epoch', 'num_updates']) {
        if (this.root.attrs[a] === undefined) delete modelAttrs[a];
        else modelAttrs[a] = this.root.attrs[a] as string;
      }
      next = { ...model, attrs: modelAttrs, status: cib.status };
    }
    return this.changed({ previous, version, configChanged: false, origin }, next);
  }

  private commit(next: XmlElement, origin: string, bump: (v: CibVersion) => CibVersion): CibChange | undefined {
    const key = configKey(next);
    const previous = this.version;
    const configChanged = key !== this.key;
    if (!configChanged && statusKey(next) === statusKey(this.root)) return undefined;
    const version = configChanged ? bump(previous) : nextStatusVersion(previous);
    writeVersion(next.attrs, version);
    if (configChanged) {
      next.attrs['cib-last-written'] = ctimeUtc(Math.floor((this.options.now ?? Date.now)() / 1000));
      next.attrs['update-client'] = origin;
      // Written before it becomes current: a failed write changes nothing.
      this.persist(next);
    }
    this.root = next;
    this.key = key;
    return this.changed({ previous, version, configChanged, origin });
  }

  private changed(change: CibChange, model?: Cib): CibChange {
    this.cachedModel = model;
    this.cachedXml = undefined;
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.options.log?.('warn', `CIB change listener failed: ${(err as Error).message}`);
      }
    }
    return change;
  }

  private persist(root: XmlElement = this.root): void {
    const onDisk = { ...root, children: root.children.map((c) => (c.name === 'status' ? el('status', {}) : c)) };
    writeCibFile(this.options.dir, serializeXml(onDisk), this.options);
  }
}
