/**
 * The transition graph as Pacemaker XML (`ocfkit engine simulate --save-graph graph.xml`): the
 * serializer's own guarantees, and a cross-check of every golden scenario against the graph
 * `crm_simulate -S -G` writes for the same input.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '@ocfkit/sdk/testing';
import { escapeXml } from '@ocfkit/sdk/xml';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { parseXml, type XmlElement } from '../../src/cib/xml-tree.js';
import type { Cib, Writable } from '../../src/core/cib-model.js';
import type { GraphAction } from '../../src/core/graph.js';
import { graphToXml } from '../../src/core/graph-xml.js';
import { schedule } from '../../src/core/schedule.js';
import { NOW, profileFor } from './differential.js';
import { generateCib } from './generator.js';
import { crmSimulateGraph, type ReducedGraph, reduceGraph } from './graph-compare.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenarios = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'input.xml')))
  .map((d) => d.name)
  .sort();

function load(name: string): { cib: Cib; now: number; xml: string } {
  const xml = readFileSync(join(here, name, 'input.xml'), 'utf8');
  return { cib: importCib(xml), now: NOW, xml };
}

function ourGraph(name: string): string {
  const input = load(name);
  return graphToXml(schedule(input).graph, input);
}

/** Every element with this name, depth first. */
function all(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];
}

const noXmllint = requireTool(['xmllint']);

function xmllint(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-graph-xml-'));
  try {
    writeFileSync(join(dir, 'graph.xml'), xml);
    execFileSync('xmllint', ['--noout', join(dir, 'graph.xml')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('graphToXml', () => {
  it('escapes attribute values so they survive a round trip, and writes no character XML cannot carry', () => {
    const input = load('basic-placement');
    const a = input.cib.resources.find((r) => r.id === 'a');
    if (a?.kind !== 'primitive') throw new Error('basic-placement has no primitive a');
    const nasty = `<a href="x">&amp; 'q'\n\ttab\r\u0001\ud800 ✓`;
    (a as Writable<typeof a>).params = [{ id: 'a-params', pairs: [{ id: 'a-p', name: 'msg', value: nasty }] }];
    const xml = graphToXml(schedule(input).graph, input);
    expect(xml).toContain('msg="&lt;a href=&quot;x&quot;&gt;&amp;amp; \'q\'&#10;&#9;tab&#13;\ufffd\ufffd ✓"');
    const start = all(parseXml(xml), 'rsc_op').find((e) => e.attrs.operation_key === 'a_start_0');
    expect(start?.children.find((c) => c.name === 'attributes')?.attrs.msg).toBe(`<a href="x">&amp; 'q'\n\ttab\r\ufffd\ufffd ✓`);
    if (!noXmllint) xmllint(xml);
    expect(escapeXml('a<b & "c"', { attribute: true })).toBe('a&lt;b &amp; &quot;c&quot;');
  });

  it('is deterministic: the same input gives the same bytes, also after the CIB is re-exported', () => {
    for (const name of scenarios) {
      const input = load(name);
      const once = graphToXml(schedule(input).graph, input);
      expect(graphToXml(schedule(input).graph, input), name).toBe(once);
      const again = { cib: importCib(exportCib(input.cib)), now: NOW };
      expect(graphToXml(schedule(again).graph, again), name).toBe(once);
    }
  });

  it('describes an action when its detail is first read, keeps it, and reading order changes no value', () => {
    for (const name of ['migration-move', 'notify-promotable', 'unfencing']) {
      const input = load(name);
      const forward = schedule(input).graph.actions;
      const backward = schedule(input).graph.actions;
      expect(forward.length, name).toBeGreaterThan(0);
      for (const a of forward) {
        // An own enumerable getter: made on first read, yet spread and toEqual still see it.
        const own = Object.getOwnPropertyDescriptor(a, 'detail');
        expect(own?.get, `${name} ${a.key}`).toBeTypeOf('function');
        expect(own?.enumerable, `${name} ${a.key}`).toBe(true);
        expect(a.detail, `${name} ${a.key}`).toBe(a.detail);
      }
      const details = [...backward].reverse().map((a) => a.detail);
      expect(details.reverse(), name).toEqual(forward.map((a) => a.detail));
      expect({ ...backward[0] }, name).toEqual(forward[0]);
      const replaced = { ...(forward[0]?.detail as NonNullable<GraphAction['detail']>), priority: 7 };
      (backward[0] as GraphAction).detail = replaced;
      expect(backward[0]?.detail, name).toBe(replaced);
    }
    // vm's migrate_to and migrate_from share their op meta (one memo entry), both node2 → node1.
    const vm = schedule(load('migration-move')).graph.actions.filter((a) => a.rsc === 'vm' && a.migration);
    expect(
      vm.map((a) => `${a.task} ${a.detail?.attributes.CRM_meta_migrate_source}>${a.detail?.attributes.CRM_meta_migrate_target}`).sort(),
    ).toEqual(['migrate_from node2>node1', 'migrate_to node2>node1']);
  });

  it('writes one synapse per action, with the orderings as triggers', () => {
    for (const name of scenarios) {
      const input = load(name);
      const { graph } = schedule(input);
      const root = parseXml(graphToXml(graph, input));
      const synapses = all(root, 'synapse');
      expect(
        synapses.map((s) => s.attrs.id),
        name,
      ).toEqual(graph.actions.map((_, i) => String(i)));
      for (const [i, s] of synapses.entries()) {
        const waitsFor = all(s.children.find((c) => c.name === 'inputs') as XmlElement, 'trigger').map((t) => t.children[0]?.attrs.id);
        const expected = graph.edges.filter((e) => e.after === i).map((e) => String(e.before));
        expect(waitsFor, `${name} synapse ${i}`).toEqual(expected);
      }
    }
  });

  it('writes fencing as a crm_event that downs the node, and stops it implies as pseudo events', () => {
    const root = parseXml(ourGraph('fencing-unclean'));
    const actions = all(root, 'action_set').map((s) => s.children[0] as XmlElement);
    const fence = actions.filter((e) => e.name === 'crm_event');
    expect(fence.map((e) => e.attrs)).toEqual([
      { id: '0', operation: 'stonith', operation_key: 'stonith-node3-reboot', on_node: 'node3', on_node_uuid: '3' },
    ]);
    expect(all(fence[0] as XmlElement, 'attributes')[0]?.attrs).toEqual({
      CRM_meta_on_node: 'node3',
      CRM_meta_on_node_uuid: '3',
      CRM_meta_stonith_action: 'reboot',
      crm_feature_set: '3.16.1',
    });
    expect(all(fence[0] as XmlElement, 'node').map((n) => n.attrs.id)).toEqual(['3']);
    const pseudo = actions.filter((e) => e.name === 'pseudo_event');
    expect(pseudo.map((e) => e.attrs)).toEqual([{ id: '4', operation: 'stop', operation_key: 'svc_stop_0' }]);
    // The start elsewhere waits for the fencing and for the implied stop.
    const start = all(root, 'synapse').find((s) => all(s, 'rsc_op')[0]?.attrs.operation_key === 'svc_start_0');
    const triggers = all(start?.children.find((c) => c.name === 'inputs') as XmlElement, 'trigger').map((t) => t.children[0]);
    expect(triggers.map((t) => `${t?.name} ${t?.attrs.operation_key}`)).toEqual([
      'crm_event stonith-node3-reboot',
      'rsc_op svc_monitor_0',
      'rsc_op svc_monitor_0',
      'pseudo_event svc_stop_0',
    ]);
  });

  it('fences with the configured stonith-action', () => {
    const input = load('fencing-unclean');
    (input.cib as Writable<Cib>).crmConfig[0]?.pairs.push({ id: 'opt-action', name: 'stonith-action', value: 'poweroff' });
    const result = schedule(input);
    const root = parseXml(graphToXml(result.graph, input));
    const fence = all(root, 'action_set').flatMap((s) => all(s, 'crm_event'))[0];
    expect(fence?.attrs.operation_key).toBe('stonith-node3-off');
    expect(all(fence as XmlElement, 'attributes')[0]?.attrs.CRM_meta_stonith_action).toBe('off');
    expect(result.summary).toContain('* Fence (off) node3');
  });

  it('names clone instances as Pacemaker does, with the clone meta attributes agents see', () => {
    const root = parseXml(ourGraph('promotable-failover'));
    const ops = all(root, 'action_set').flatMap((s) => all(s, 'rsc_op'));
    const promote = ops.find((e) => e.attrs.operation === 'promote');
    expect(promote?.attrs).toMatchObject({ operation_key: 'db_promote_0', internal_operation_key: 'db:1_promote_0', on_node: 'node3' });
    expect(all(promote as XmlElement, 'primitive')[0]?.attrs).toEqual({
      id: 'db',
      'long-id': 'db:1',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
    });
    expect(all(promote as XmlElement, 'attributes')[0]?.attrs).toMatchObject({
      CRM_meta_clone: '1',
      CRM_meta_clone_max: '3',
      CRM_meta_promoted_max: '1',
      CRM_meta_master_max: '1',
      CRM_meta_notify: 'false',
    });
    // An instance with no history anywhere keeps its own number in the key.
    const fresh = all(parseXml(ourGraph('clone-colocation')), 'rsc_op').find(
      (e) => e.attrs.operation === 'start' && e.attrs.on_node === 'node4',
    );
    expect(fresh?.attrs.operation_key).toBe('ping:2_start_0');
    expect(fresh?.attrs.internal_operation_key).toBeUndefined();
  });

  it('asks for a recheck when a fail count with failure-timeout expires, as Pacemaker does', async () => {
    const input = load('failcount-threshold');
    // healed failed 30 s ago; its failure-timeout is 60 s, so its fail count expires in 31 s.
    const status = input.cib.status[0];
    const last = status?.transient[0]?.pairs.find((p) => p.name === 'last-failure-healed#monitor_10000');
    if (!last) throw new Error('failcount-threshold has no last-failure for healed');
    (last as Writable<typeof last>).value = String(NOW - 30);
    const xml = graphToXml(schedule(input).graph, input);
    expect(parseXml(xml).attrs['recheck-by']).toBe(String(NOW + 31));
    expect(parseXml(ourGraph('failcount-threshold')).attrs['recheck-by']).toBeUndefined();
    if (!noPacemaker) expect(reduceGraph(await crmSimulateGraph(exportCib(input.cib), NOW)).header).toEqual(parseXml(xml).attrs);
  });

  it('takes cluster options and the transition number for the graph header', () => {
    const input = load('graph-attributes');
    const root = parseXml(graphToXml(schedule(input).graph, input, { transitionId: 7 }));
    expect(root.attrs).toEqual({
      'cluster-delay': '90s',
      'stonith-timeout': '60s',
      'failed-stop-offset': 'INFINITY',
      'failed-start-offset': '1',
      'batch-limit': '7',
      transition_id: '7',
      'migration-limit': '2',
    });
  });
});

/**
 * Where the engine's graph knowingly differs from Pacemaker's (engine/test/scheduler/README.md,
 * "Transition graph"): actions only Pacemaker schedules. They are taken out of Pacemaker's graph
 * with every ordering through them; everything else must agree exactly.
 */
/** Per scenario: actions (`pacemakerOnly`) and transitive orderings (`orders`) only Pacemaker's graph has. */
const knownDifferences: Record<string, { pacemakerOnly: string[]; orders?: string[]; why: string }> = {
  'failcount-threshold': {
    pacemakerOnly: ['healed_clear_failcount_0@node1'],
    why: 'the engine does not schedule clear_failcount for an expired fail count',
  },
  'clean-shutdown': {
    pacemakerOnly: ['do_shutdown-node2@node2'],
    why: 'the engine stops everything on a node shutting down but writes no do_shutdown event after the stops',
  },
  'shutdown-lock': {
    pacemakerOnly: ['do_shutdown-node2@node2'],
    why: 'as in clean-shutdown: no do_shutdown event after the stops (the lock itself, shutdown-lock on the stop and recheck-by, is as Pacemaker writes it)',
  },
  'disabled-op-on-fail': {
    pacemakerOnly: [
      'ignored_clear_failcount_0@node1',
      'ignored_monitor_10000@node1',
      'recovered_clear_failcount_0@node1',
      'recovered_monitor_10000@node1',
    ],
    why: 'Pacemaker cancels a recurring monitor recorded in the history whose op is now disabled, and clears the fail count of its changed definition; the engine does neither',
  },
  'maintenance-unmanaged': {
    pacemakerOnly: ['a_monitor_10000@node1', 'b_monitor_10000@node2'],
    why: 'Pacemaker cancels the recurring monitors of resources in maintenance (and on nodes in maintenance); the engine leaves them',
  },
};

const noPacemaker = requireTool(['crm_simulate']);

/** What the cluster would do: the graph header, the real actions with all they carry, the orderings. */
function summary(g: ReducedGraph): Record<string, unknown> {
  const real = [...g.actions.values()].filter((a) => a.real).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    header: g.header,
    actions: real.map((a) => ({ name: a.name, primitive: a.primitive, internalKey: a.internalKey, priority: a.priority, attrs: a.attrs })),
    orders: [...g.orders].sort(),
  };
}

describe.skipIf(noPacemaker)('transition graph XML against crm_simulate --save-graph', () => {
  it('lists known differences only for existing scenarios, each with its reason', () => {
    for (const [name, d] of Object.entries(knownDifferences)) {
      expect(scenarios, name).toContain(name);
      expect(d.why.length).toBeGreaterThan(20);
    }
  });
  for (const name of scenarios) {
    it(`${name}: same actions, orderings and attributes as Pacemaker`, async () => {
      const { xml } = load(name);
      const oursXml = ourGraph(name);
      if (!noXmllint) xmllint(oursXml);
      const known = knownDifferences[name];
      const incomplete = { incomplete: existsSync(join(here, name, 'pacemaker-incomplete.txt')) };
      const theirsXml = await crmSimulateGraph(xml, NOW, incomplete);
      const full = reduceGraph(theirsXml, new Set(), incomplete);
      for (const a of known?.pacemakerOnly ?? []) expect(full.real, `${name}: known difference ${a} no longer there`).toContain(a);
      const ours = reduceGraph(oursXml);
      const theirs = reduceGraph(theirsXml, new Set(known?.pacemakerOnly), incomplete);
      for (const o of known?.orders ?? []) {
        expect(theirs.orders, `${name}: known difference ${o} no longer there`).toContain(o);
        theirs.orders.delete(o);
      }
      expect(summary(ours)).toEqual(summary(theirs));
    });
  }
});

const graphCases = Number.parseInt(process.env.OCFKIT_GRAPH_DIFF_CASES ?? '100', 10);
const graphSeed = Number.parseInt(process.env.OCFKIT_GRAPH_DIFF_SEED ?? '1', 10);

describe.skipIf(noPacemaker)('transition graph XML of generated CIBs against crm_simulate --save-graph', () => {
  it(`is Pacemaker's for ${graphCases} generated CIBs from seed ${graphSeed}, but for clear_failcount`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (let seed = graphSeed; seed < graphSeed + graphCases; seed++) {
      // Without injected failures, globally-unique or interleaved clones, live migration, resource
      // sets, tickets or templates (gen-h101.ts), remote nodes or shutdown locks (on by default in
      // the differential test since h124), guest nodes (since h132: their probes' and stops'
      // orderings and CRM_meta_physical_host still differ): those graph details are checked on their
      // golden scenarios (the scheduler README lists what else differs).
      const cib = generateCib(seed, {
        ...profileFor(seed),
        failureChance: 0,
        uniqueChance: 0,
        interleaveChance: 0,
        migrateChance: 0,
        setChance: 0,
        roleConstraintChance: 0,
        ticketChance: 0,
        templateChance: 0,
        remoteChance: 0,
        guestChance: 0,
        shutdownLockChance: 0,
      });
      // Several instances per node make a clone globally-unique whatever uniqueChance says.
      if (cib.resources.some((r) => r.kind === 'clone' && r.meta.some((m) => m.pairs.some((x) => x.name === 'globally-unique')))) continue;
      // Notifications of cloned groups are not modelled (scheduler README): Pacemaker's graph has
      // their notify actions (seed 75).
      const notifies = (r: Cib['resources'][number]) => r.meta.some((m) => m.pairs.some((x) => x.name === 'notify' && x.value === 'true'));
      if (cib.resources.some((r) => r.kind === 'clone' && r.child.kind === 'group' && notifies(r))) continue;
      let theirsXml: string;
      try {
        theirsXml = await crmSimulateGraph(exportCib(cib), NOW);
      } catch (err) {
        // As in the differential test: a case crm_simulate cannot complete itself is not compared.
        if (/Transition failed/.test((err as Error).message)) continue;
        throw err;
      }
      const clears = [...reduceGraph(theirsXml).actions.values()].filter((a) => a.operation === 'clear_failcount').map((a) => a.name);
      const ours = summary(reduceGraph(graphToXml(schedule({ cib, now: NOW }).graph, { cib, now: NOW })));
      const theirs = summary(reduceGraph(theirsXml, new Set(clears)));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        const names = (x: Record<string, unknown>) =>
          new Set([...(x.actions as { name: string }[]).map((a) => a.name), ...(x.orders as string[])]);
        const [a, b] = [names(ours), names(theirs)];
        const only = (x: Set<string>, y: Set<string>) => [...x].filter((n) => !y.has(n)).slice(0, 4);
        const [mine, pacemaker] = [only(a, b), only(b, a)];
        failures.push(
          mine.length + pacemaker.length === 0
            ? `seed ${seed}: same actions and orderings, but the header, an action's attributes or a priority differ`
            : `seed ${seed}: engine only [${mine.join(', ')}], Pacemaker only [${pacemaker.join(', ')}]`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
