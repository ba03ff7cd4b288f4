/**
 * The CIB version triple, as Pacemaker keeps it on `<cib>`: `admin_epoch` (raised only by an
 * administrator), `epoch` (every configuration change) and `num_updates` (every status change
 * since the last configuration change). Versions compare in that order.
 */

import type { CibVersion } from '../core/cib-model.js';

export type { CibVersion };

/** A counter `<cib>` does not carry: older than 0, as Pacemaker reads it (cib_version_details: -1). */
const MISSING_COUNTER = -1;

function field(attrs: Readonly<Record<string, string>>, name: string): number {
  const raw = attrs[name];
  if (raw === undefined || raw === '') return MISSING_COUNTER;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`<cib> has a bad ${name}="${raw}" (expected a non-negative integer)`);
  return n;
}

/**
 * Reads the version from the attributes of `<cib>`. A missing counter is -1, as Pacemaker reads
 * it: older than any written one, and 0 after the next bump of that counter.
 *
 * @example
 * readVersion({ admin_epoch: '0', epoch: '5', num_updates: '2' }) // { adminEpoch: 0, epoch: 5, numUpdates: 2 }
 */
export function readVersion(attrs: Readonly<Record<string, string>>): CibVersion {
  return { adminEpoch: field(attrs, 'admin_epoch'), epoch: field(attrs, 'epoch'), numUpdates: field(attrs, 'num_updates') };
}

/** Writes the version into the attributes of `<cib>` (in place; a missing counter becomes 0). */
export function writeVersion(attrs: Record<string, string>, v: CibVersion): void {
  attrs.admin_epoch = String(Math.max(0, v.adminEpoch));
  attrs.epoch = String(Math.max(0, v.epoch));
  attrs.num_updates = String(Math.max(0, v.numUpdates));
}

/**
 * Orders two versions (negative when `a` is older), comparing admin_epoch, then epoch, then
 * num_updates unless `withUpdates` is false.
 *
 * @example
 * compareVersions({ adminEpoch: 0, epoch: 3, numUpdates: 9 }, { adminEpoch: 0, epoch: 4, numUpdates: 0 }) // < 0
 */
export function compareVersions(a: CibVersion, b: CibVersion, withUpdates = true): number {
  return a.adminEpoch - b.adminEpoch || a.epoch - b.epoch || (withUpdates ? a.numUpdates - b.numUpdates : 0);
}

/** `admin_epoch.epoch.num_updates`, as `cibadmin` prints it (a missing counter as 0). */
export function formatVersion(v: CibVersion): string {
  return `${Math.max(0, v.adminEpoch)}.${Math.max(0, v.epoch)}.${Math.max(0, v.numUpdates)}`;
}

/** The version after a configuration change: epoch + 1, num_updates reset. */
export function nextConfigVersion(v: CibVersion): CibVersion {
  return { adminEpoch: v.adminEpoch, epoch: v.epoch + 1, numUpdates: 0 };
}

/** The version after a status change: num_updates + 1. */
export function nextStatusVersion(v: CibVersion): CibVersion {
  return { ...v, numUpdates: v.numUpdates + 1 };
}
