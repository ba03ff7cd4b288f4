import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentSweep, findingKey } from './sweep';

/** The verdicts a reviewed finding may carry; "suite wrong" is not one: such a finding is fixed in the suite. */
const VERDICTS = ['agent bug', 'environment'] as const;

/** How a reviewer classed one error finding on a Debian agent. */
interface Review {
  /**
   * `agent bug`: the agent breaks the contract (what Pacemaker would do is in the note);
   * `environment`: the finding is true on this host but comes from what it lacks (no cluster
   * running for attrd_updater, no cloud metadata service, no hardware), not from the agent.
   */
  verdict: (typeof VERDICTS)[number];
  /** Why, in one or two sentences (what Pacemaker does with it). */
  note: string;
  /**
   * When the finding shows only in some runs, what it depends on (where a SIGKILL lands in a
   * start, how long a helper the agent started lives): found, it is this reviewed bug; not found,
   * it is not "no longer found".
   */
  intermittent?: string;
}

/** The reviewed error findings, keyed `provider:type rule` (see {@link findingKey}). */
export type ReviewedSet = Record<string, Review>;

/** `reviewed.json` beside this file. */
export function loadReviewed(file = join(import.meta.dirname, 'reviewed.json')): ReviewedSet {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: ReviewedSet = {};
  for (const [key, v] of Object.entries(raw)) {
    if (key === '$comment') continue;
    const r = v as Partial<Review>;
    if (
      !VERDICTS.includes(r.verdict as Review['verdict']) ||
      typeof r.note !== 'string' ||
      r.note === '' ||
      (r.intermittent !== undefined && (typeof r.intermittent !== 'string' || r.intermittent === ''))
    )
      throw new Error(
        `reviewed.json: ${key} needs {"verdict": ${VERDICTS.map((x) => `"${x}"`).join(' or ')}, "note": "...", optionally "intermittent": "when it shows"}, got ${JSON.stringify(v)}`,
      );
    out[key] = { verdict: r.verdict as Review['verdict'], note: r.note, ...(r.intermittent ? { intermittent: r.intermittent } : {}) };
  }
  return out;
}

/** The difference between what a sweep found and what was reviewed, for the agents swept. */
export interface ReviewDiff {
  /** Error findings nobody reviewed: a new false positive, or a new real bug to review. */
  unreviewed: string[];
  /** Reviewed findings the suite no longer reports: a miss, or a fixed agent. */
  vanished: string[];
  /** Reviewed intermittent findings this run did not show (not a miss: see {@link Review.intermittent}). */
  notSeen: string[];
  /** Agents the suite could not run. */
  crashed: string[];
}

/**
 * Compares the error findings of `sweeps` with the reviewed set, restricted to the swept agents.
 * Timing findings count like any other: the suite takes a busy host's CPU wait out of them.
 *
 * @example
 * compareWithReviewed(await sweep(entries, 3), loadReviewed()) // { unreviewed: [], vanished: [], notSeen: [], crashed: [] }
 */
export function compareWithReviewed(sweeps: readonly AgentSweep[], reviewed: ReviewedSet): ReviewDiff {
  const agents = new Set(sweeps.map((s) => s.agent));
  const found = new Set(sweeps.flatMap((s) => s.errors.map((e) => findingKey(s.agent, e.rule))));
  const expected = Object.keys(reviewed).filter((k) => agents.has(k.split(' ')[0] as string));
  const missing = expected.filter((k) => !found.has(k)).sort();
  return {
    unreviewed: [...found].filter((k) => !(k in reviewed)).sort(),
    vanished: missing.filter((k) => reviewed[k]?.intermittent === undefined),
    notSeen: missing.filter((k) => reviewed[k]?.intermittent !== undefined),
    crashed: sweeps.filter((s) => s.crashed !== undefined).map((s) => `${s.agent}: ${s.crashed}`),
  };
}
