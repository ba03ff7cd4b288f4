import type { Role } from './agents-under-test';

/**
 * Which node a step means: `active` is where grp_pgsql runs when the step starts, `victim` the
 * node the last fault hit.
 */
export type NodeRef = 'active' | 'victim';

/** Something done to the rig. */
export type Action =
  /** insert a row through the VIP (counted; `rows-intact` checks them all) */
  | { do: 'write-row' }
  /** SIGKILL of the whole node (docker kill) */
  | { do: 'kill-node'; node: NodeRef }
  /** boot a killed node again */
  | { do: 'start-node'; node: NodeRef }
  /** kill -9 of the postmaster (the pid in postmaster.pid) */
  | { do: 'kill-postmaster'; node: NodeRef }
  /** remount the shared disk read-only on that node only (a real EROFS for every writer) */
  | { do: 'disk-readonly'; node: NodeRef }
  /** cut the node off every cluster link */
  | { do: 'isolate'; node: NodeRef }
  | { do: 'reconnect'; node: NodeRef };

/** Something the cluster must show, within a deadline (seconds) from the last action. */
export type Expectation =
  /** grp_pgsql active on exactly one node, the VIP there answering and `select 1` through it */
  | { expect: 'group-running'; where: 'same' | 'elsewhere' | 'anywhere'; within: number; timing?: string }
  /** a node attribute on a node (e.g. diskcheck_status=ERROR on the victim) */
  | { expect: 'attribute'; node: NodeRef; name: string; value: string; within: number; timing?: string }
  /** nothing of grp_pgsql left on the node: no VIP on its interfaces, no postmaster */
  | { expect: 'stopped-on'; node: NodeRef; within: number; timing?: string }
  /** every node a member again */
  | { expect: 'all-online'; within: number; timing?: string }
  /** every row written so far is there */
  | { expect: 'rows-intact' }
  /** for this long, the cluster and the nodes agree: nothing active twice, one postmaster, one VIP */
  | { expect: 'settled'; seconds: number };

export type Step = Action | Expectation;

/** A cluster scenario: data the runner interprets on any rig. */
export interface Scenario {
  name: string;
  summary: string;
  /** The agent roles whose behaviour this scenario exercises (a mutant of one should fail it). */
  exercises: Role[];
  steps: Step[];
  /** Faults after which a short double-run is expected without fencing (reported, not failed). */
  overlapAllowed?: string;
}
