/**
 * `ocfkit node start --controller simulate`: a controller that runs no agents and records every
 * scheduled action as succeeded (what `crm_simulate -S` does, on the live CIB). For trying the
 * admin tools and for tests of the daemon; resources are not really started.
 */
import { cibToXmlTree } from '../cib/export.js';
import { el, type XmlElement } from '../cib/xml-tree.js';
import { applyTransition } from '../core/apply.js';
import type { Cib } from '../core/cib-model.js';
import { schedule } from '../core/schedule.js';
import type { ControllerFactory } from './controller.js';

/** Rounds per poke before giving up (a configuration that never settles). */
const MAX_ROUNDS = 20;

export const simulatedController: ControllerFactory = ({ store, nodeName, log }) => {
  let transition = 0;
  let pending: NodeJS.Immediate | undefined;
  let closed = false;
  const self = log.child('controller');
  self.warn('simulated controller: actions are recorded as succeeded, no agent runs');

  const joinNode = () => {
    const cib = store.model();
    if (!cib.nodes.some((n) => n.uname === nodeName))
      store.updateConfig((root) => {
        const config = root.children.find((c) => c.name === 'configuration');
        config?.children.find((c) => c.name === 'nodes')?.children.push(el('node', { id: nodeName, uname: nodeName }));
      }, 'controller');
    const id = store.model().nodes.find((n) => n.uname === nodeName)?.id ?? nodeName;
    const state = { id, uname: nodeName, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' };
    store.updateStatus((status, attrs) => {
      attrs['have-quorum'] = '1';
      attrs['dc-uuid'] = id;
      const s = status.children.find((c) => c.name === 'node_state' && c.attrs.id === id);
      if (s) Object.assign(s.attrs, state);
      else status.children.push(el('node_state', state));
    }, 'controller');
  };

  const record = (after: Cib) => {
    const status = cibToXmlTree(after).children.find((c) => c.name === 'status') as XmlElement;
    store.updateStatus((s) => {
      s.children = status.children;
    }, 'controller');
  };

  const run = (input: (cib: Cib) => Cib) => {
    for (let round = 0; round < MAX_ROUNDS && !closed; round++) {
      const now = Math.floor(Date.now() / 1000);
      const cib = input(store.model());
      const { graph } = schedule({ cib, now });
      const actions = graph.actions.filter((a) => !a.pseudo);
      if (actions.length === 0) return;
      transition++;
      for (const a of actions) self.decision(transition, `${a.task}${a.intervalMs ? `_${a.intervalMs}` : ''} ${a.rsc ?? ''} on ${a.node}`);
      record(applyTransition(cib, graph, now));
      for (const a of actions) self.result(transition, `${a.key} on ${a.node}: ok (simulated)`);
    }
    if (!closed) self.error(`no stable state after ${MAX_ROUNDS} transitions; waiting for the next change`);
  };

  const poke = (reason: string) => {
    if (closed || pending) return;
    self.debug(`recompute: ${reason}`);
    pending = setImmediate(() => {
      pending = undefined;
      try {
        run((cib) => cib);
      } catch (err) {
        self.error(`transition failed: ${(err as Error).message}`);
      }
    });
  };

  joinNode();
  poke('start');
  return {
    poke,
    async shutdown() {
      if (pending) clearImmediate(pending);
      pending = undefined;
      // Stop everything, as a node leaving the cluster does.
      run((cib) => ({
        ...cib,
        crmConfig: [
          ...cib.crmConfig,
          { id: 'ocfkit-shutdown', pairs: [{ id: 'ocfkit-shutdown-stop-all', name: 'stop-all-resources', value: 'true' }] },
        ],
      }));
      closed = true;
    },
    close() {
      closed = true;
      if (pending) clearImmediate(pending);
    },
  };
};
