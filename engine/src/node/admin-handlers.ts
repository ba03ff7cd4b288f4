/**
 * What the node daemon does for each admin request: reads and changes of the CIB through the
 * store (validated first; a refused change leaves everything as it was), with the controller
 * poked after every change so it recomputes.
 */
import type { Attrd } from '../attrd/server.js';
import type { CibStore } from '../cib/store.js';
import { formatVersion } from '../cib/store-version.js';
import { CibError, serializeXml } from '../cib/xml-tree.js';
import { unpack } from '../core/unpack.js';
import type { HistoryEntry } from '../fencing/fencer.js';
import type { AdminRequest, AdminResponse } from './admin-protocol.js';
import { applyPatch } from './cib-patch.js';
import { findResource, primitiveIds, section } from './cib-tree.js';
import { type ConfigWrite, checkScope, configMutation, isConfigWrite, replaceScope } from './config-writes.js';
import { cleanupStatus, isFailureAttribute } from './resource-cleanup.js';
import { targetRole } from './resource-state.js';

export interface AdminContext {
  store: CibStore;
  attrd: Attrd;
  nodeName: string;
  controller: string;
  /** Tells the controller that something changed. */
  poke(reason: string): void;
  /** Epoch ms. */
  now?: () => number;
  /** This node's fencing history (the node daemon's file; empty without one). */
  fencingHistory?: () => HistoryEntry[];
  /**
   * In a cluster: configuration writes go through the DC (resolving once a majority stored them)
   * and a cleanup is done by the DC, whose controller owns the status section.
   */
  cluster?: {
    write(req: ConfigWrite, messages: string[]): Promise<AdminResponse>;
    cleanup(req: Extract<AdminRequest, { op: 'resource' }>): Promise<AdminResponse> | undefined;
  };
}

function query(store: CibStore, scope?: string): string {
  if (scope === undefined) return store.xml();
  checkScope(scope);
  const root = store.snapshot();
  const found = scope === 'configuration' || scope === 'status' ? root.children.find((c) => c.name === scope) : section(root, scope);
  return serializeXml(found ?? { name: scope, attrs: {}, children: [] });
}

/**
 * Handles one admin request (all but `watch`, which the server streams).
 *
 * @example
 * await handleAdmin(ctx, { op: 'resource', action: 'ban', rsc: 'ip', node: 'n2' });
 */
export function handleAdmin(ctx: AdminContext, req: Exclude<AdminRequest, { op: 'watch' }>): AdminResponse | Promise<AdminResponse> {
  const { store } = ctx;
  const now = ctx.now ?? Date.now;
  const version = () => formatVersion(store.version);
  const active = (rsc: string) => {
    const r = unpack(store.model(), Math.floor(now() / 1000)).byId.get(rsc);
    return r ? [...new Set(r.runningOn.map((n) => n.uname))] : [];
  };
  if (ctx.cluster && isConfigWrite(req)) {
    // Checked here first (clear errors without a round trip; the messages for the user), then
    // applied by the DC to the replicated copy.
    const messages = req.op === 'replace' || req.op === 'patch' ? [] : configMutation(req, active, ctx.nodeName)(store.snapshot());
    return ctx.cluster.write(req, messages);
  }
  if (ctx.cluster && req.op === 'resource' && req.action === 'cleanup') {
    const forwarded = ctx.cluster.cleanup(req);
    if (forwarded) return forwarded;
  }
  const changedBy = (what: string, change: ReturnType<CibStore['updateConfig']>) => {
    if (change) ctx.poke(what);
    return change !== undefined;
  };
  switch (req.op) {
    case 'ping':
      return { ok: true, node: ctx.nodeName, pid: process.pid, controller: ctx.controller, version: version() };
    case 'fence-history':
      return { ok: true, history: ctx.fencingHistory?.() ?? [] };
    case 'query':
      return { ok: true, xml: query(store, req.scope), version: version() };
    case 'replace': {
      const origin = req.origin ?? 'ocfkit cib replace';
      const change =
        req.scope === undefined
          ? store.replace(req.xml, origin)
          : store.updateConfig((cib) => replaceScope(cib, req.scope as string, req.xml), origin);
      return { ok: true, changed: changedBy('CIB replaced', change), version: version() };
    }
    case 'patch': {
      const current = store.version;
      const change = store.updateConfig((cib) => {
        const source = applyPatch(cib, req.xml);
        if (source && (source.adminEpoch !== current.adminEpoch || source.epoch !== current.epoch))
          throw new CibError(
            `the patch applies to version ${source.adminEpoch}.${source.epoch}, the CIB is at ${formatVersion(current)}: make it again from \`ocfkit cib query\``,
          );
      }, req.origin ?? 'ocfkit cib patch');
      return { ok: true, changed: changedBy('CIB patched', change), version: version() };
    }
    case 'resource': {
      const origin = `ocfkit resource ${req.action}`;
      let messages: string[] = [];
      switch (req.action) {
        case 'move':
        case 'ban':
        case 'clear': {
          const change = store.updateConfig((cib) => {
            messages = configMutation(req as ConfigWrite & { op: 'resource' }, active, ctx.nodeName)(cib);
          }, origin);
          changedBy(`${origin} ${req.rsc}`, change);
          return { ok: true, messages, version: version() };
        }
        case 'start':
        case 'stop': {
          const change = store.updateConfig((cib) => {
            messages = configMutation(req as ConfigWrite & { op: 'resource' }, active, ctx.nodeName)(cib);
          }, origin);
          changedBy(`${origin} ${req.rsc}`, change);
          return { ok: true, messages, version: version() };
        }
        case 'get-target-role':
          return { ok: true, role: targetRole(store.snapshot(), req.rsc) ?? null, version: version() };
        case 'set-target-role': {
          const change = store.updateConfig(
            (cib) => void configMutation(req as ConfigWrite & { op: 'resource' }, active, ctx.nodeName)(cib),
            origin,
          );
          changedBy(`${origin} ${req.rsc}`, change);
          return { ok: true, version: version() };
        }
        case 'cleanup': {
          const cib = store.snapshot();
          let results: ReturnType<typeof cleanupStatus> = [];
          store.updateStatus((status) => {
            results = cleanupStatus(cib, status, req.rsc, req.node);
          }, origin);
          // Fail counts also live in attrd (where the controller keeps them): forget them there too.
          const ids = primitiveIds(findResource(cib, req.rsc));
          for (const a of ctx.attrd.list(req.node))
            if (ids.some((id) => isFailureAttribute(a.name, id))) ctx.attrd.update(a.name, null, { node: a.node });
          messages = results.map((r) => `Cleaned up ${req.rsc} on ${r.node}`);
          if (messages.length === 0) messages.push(`Cleaned up ${req.rsc} (no history${req.node ? ` on ${req.node}` : ''})`);
          ctx.poke(`${origin} ${req.rsc}`);
          return { ok: true, messages, version: version() };
        }
      }
      break;
    }
    case 'node': {
      const node = req.node ?? ctx.nodeName;
      let message = '';
      const change = store.updateConfig((cib) => {
        [message = ''] = configMutation({ ...req, node }, active, ctx.nodeName)(cib);
      }, `ocfkit node ${req.action}`);
      changedBy(`ocfkit node ${req.action} ${node}`, change);
      return { ok: true, messages: [message], version: version() };
    }
  }
  throw new Error('unreachable');
}
