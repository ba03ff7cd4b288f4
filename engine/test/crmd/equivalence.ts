/**
 * Executing a graph through the controller and the in-memory executor, for the equivalence test:
 * one transition, every action succeeding, the CIB the controller recorded afterwards.
 */
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { schedule } from '../../src/core/schedule.js';
import { Controller } from '../../src/crmd/controller.js';
import type { ExecGraph } from '../../src/crmd/exec-graph.js';
import { MemoryDriver, MemoryExecutor } from '../../src/crmd/memory-executor.js';
import { deleteResourceHistory } from '../../src/crmd/status.js';
import { crmSimulate, placementOf } from '../scheduler/crm-simulate.js';
import { diffPlacements } from '../scheduler/differential.js';
import { crmSimulateGraph } from '../scheduler/graph-compare.js';
import { readGraphXml } from './graph-read.js';

/** Runs `graph` once through a controller on `cib` (then the scheduler finds nothing to do) and returns the recorded CIB. */
function executeOnce(cib: Cib, graph: ExecGraph, now: number): { cib: Cib; ran: string[] } {
  let first = true;
  const ctl = new Controller(cib, {
    node: cib.nodes[0]?.uname ?? 'node1',
    clearExpiredFailures: false,
    recheckIntervalMs: 0,
    scheduler: () => {
      const g = first ? graph : { actions: [], edges: [] };
      first = false;
      return g;
    },
  });
  const world = MemoryExecutor.fromCib(cib, now);
  const d = new MemoryDriver(ctl, world, now * 1000).send({ type: 'poke', now: now * 1000, reason: 'equivalence test' });
  if (d.idleCount !== 1) throw new Error(`the controller did not finish the transition (${d.logs().slice(-5).join(' | ')})`);
  return { cib: ctl.cib, ran: world.ran };
}

/**
 * `crm_simulate -S -O`'s output CIB as Pacemaker's controller would leave it: crm_simulate only
 * prints the `delete` actions of its graph (the clean-up of an orphaned globally-unique instance,
 * `ip:3_delete_0`) and keeps the history they erase, where the controller (`do_lrm_delete`, and
 * ocfkit's) removes that `lrm_resource` from the status section.
 */
function withGraphDeletes(outCibXml: string, graph: ExecGraph): string {
  let out = importCib(outCibXml);
  for (const a of graph.actions)
    if (a.task === 'delete' && !a.pseudo) out = deleteResourceHistory(out, a.node, a.detail?.agent?.id ?? a.rsc ?? '');
  return exportCib(out);
}

/**
 * Differences between Pacemaker's simulated outcome (`crm_simulate -S -O`, with the clean-ups of
 * its graph applied: {@link withGraphDeletes}) and executing (a) the engine's graph and (b)
 * Pacemaker's own graph (`crm_simulate -G`) through the controller.
 */
export async function equivalence(cib: Cib, now: number): Promise<string[]> {
  const xml = exportCib(cib);
  const [{ outCib }, pmGraphXml] = await Promise.all([crmSimulate(xml, now), crmSimulateGraph(xml, now)]);
  const pmGraph = readGraphXml(pmGraphXml);
  const pacemaker = placementOf(withGraphDeletes(outCib, pmGraph), now);
  const engine = placementOf(exportCib(executeOnce(cib, schedule({ cib, now }).graph, now).cib), now);
  const pmExec = placementOf(exportCib(executeOnce(cib, pmGraph, now).cib), now);
  return [
    ...diffPlacements(engine, pacemaker).map((d) => `engine graph executed: ${d}`),
    ...diffPlacements(pmExec, pacemaker).map((d) => `pacemaker graph executed: ${d.replace('engine', 'executed')}`),
  ];
}
