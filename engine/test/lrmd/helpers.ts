/** Shared helpers for the executor's integration tests (real processes, no mocks). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readProcStat } from '@ocfkit/sdk';
import type { OpResult } from '../../src/lrmd/types';

/** The fixture agents' search-path entry; provider `ocfkit-test` holds `scripted` and `envdump`. */
export const FIXTURE_RA_DIR = resolve(import.meta.dirname, '../fixtures/ocf/resource.d');

/** One begin/end line of the `scripted` agent's log. */
interface LogLine {
  phase: 'begin' | 'end';
  action: string;
  pid: number;
  ns: bigint;
}

/** A scratch directory driving one `scripted` resource. */
export interface ScriptedDir {
  dir: string;
  /** Sets `<action>.<what>` (rc, sleep, reason, children, bytes, ignore_term). */
  set(action: string, what: string, value: string | number): void;
  unset(action: string, what: string): void;
  log(): LogLine[];
  children(): number[];
  cleanup(): void;
}

/**
 * A fresh directory for the `scripted` fixture agent (pass it as the `dir` parameter).
 *
 * @example
 * const s = scriptedDir(); s.set('monitor', 'rc', 7);
 */
export function scriptedDir(): ScriptedDir {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-lrmd-'));
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    dir,
    set: (action, what, value) => writeFileSync(join(dir, `${action}.${what}`), String(value)),
    unset: (action, what) => rmSync(join(dir, `${action}.${what}`), { force: true }),
    log: () =>
      read('log')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [phase, action, pid, ns] = l.split(' ');
          return { phase: phase as LogLine['phase'], action: action as string, pid: Number(pid), ns: BigInt(ns as string) };
        }),
    children: () => read('children').split('\n').filter(Boolean).map(Number),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Live (non-zombie) processes whose process group is `pgid`, from a /proc scan.
 *
 * @example
 * expect(groupMembers(agentPid)).toEqual([]);
 */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st && st.pgrp === pgid && st.state !== 'Z') out.push(st.pid);
  }
  return out;
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  const st = readProcStat(pid);
  return st !== undefined && st.state !== 'Z';
}

/**
 * Polls `check` every 20 ms until it returns true; throws with `what` after `ms`.
 *
 * @example
 * await waitFor(() => results.length >= 2, 10_000, 'two monitor results');
 */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Pairs begin/end lines by pid and returns the runs that overlap in time (should be none for one resource).
 *
 * @example
 * expect(overlapping(s.log())).toEqual([]);
 */
export function overlapping(log: readonly LogLine[]): Array<[string, string]> {
  const spans = new Map<number, { action: string; from?: bigint; to?: bigint }>();
  for (const l of log) {
    const s = spans.get(l.pid) ?? { action: l.action };
    if (l.phase === 'begin') s.from = l.ns;
    else s.to = l.ns;
    spans.set(l.pid, s);
  }
  // Runs killed before their "end" line are checked from the executor's own timestamps instead.
  const list = [...spans.values()]
    .filter((s): s is { action: string; from: bigint; to: bigint } => s.from !== undefined && s.to !== undefined)
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  const bad: Array<[string, string]> = [];
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1];
    const cur = list[i];
    if (prev && cur && cur.from < prev.to) bad.push([prev.action, cur.action]);
  }
  return bad;
}

/** Collects the executor's `result` events. */
export function collect(ex: { on(e: 'result', f: (r: OpResult) => void): unknown }): OpResult[] {
  const got: OpResult[] = [];
  ex.on('result', (r) => got.push(r));
  return got;
}
