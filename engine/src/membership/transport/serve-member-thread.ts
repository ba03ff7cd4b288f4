import { parentPort, workerData } from 'node:worker_threads';
import type { ApplyUpdate } from '../protocol/options';
import { type MemberDaemon, startMemberDaemon } from './member-daemon';
import type { FromThread, MemberThreadOptions, ToThread } from './member-thread';

/**
 * The membership thread's side of {@link startMemberThread}: runs {@link startMemberDaemon} with
 * `apply` (the replicated document's update function) and the owner's options, and relays: the
 * view whenever it changed (the copy only when it is a new one), acknowledgement backlogs,
 * deliveries and update results to the owner; sends, updates and stop from it.
 *
 * @example
 * // cluster-member-worker.ts
 * serveMemberThread(applyMyUpdate);
 */
export function serveMemberThread<C, O>(apply: ApplyUpdate<C, O>): void {
  const port = parentPort;
  if (!port) throw new Error('serveMemberThread runs in a worker thread (see startMemberThread)');
  const o = workerData as MemberThreadOptions<C>;
  const post = (m: FromThread) => port.postMessage(m);
  let member: MemberDaemon<C, O> | undefined;
  let ownerLoop: unknown;
  let postedView = '';
  let postedCopy: unknown;
  let postedBacklog = '';
  const peers = () => (member ? member.view().alive.filter((n) => n !== o.name) : []);
  const report = (changed: string[]) => {
    if (!member) return;
    const { copy, drops: _drops, ...view } = member.view();
    const key = JSON.stringify(view);
    if (key === postedView && copy === postedCopy && changed.length === 0) return;
    postedView = key;
    post({ t: 'view', view: { ...view, drops: _drops }, ...(copy !== postedCopy ? { copy } : {}), changed });
    postedCopy = copy;
  };
  const reportBacklog = () => {
    if (!member) return;
    const b: Record<string, number> = {};
    for (const n of peers()) b[n] = member.backlog(n);
    const key = JSON.stringify(b);
    if (key !== postedBacklog) {
      postedBacklog = key;
      post({ t: 'backlog', backlog: b });
    }
  };
  port.on('message', (m: ToThread) => {
    switch (m.t) {
      case 'send':
        member?.send(m.to, m.body);
        break;
      case 'update':
        if (!member) post({ t: 'updated', id: m.id, ok: false, error: 'the membership is not running' });
        else
          member.update(m.op as O).then(
            () => post({ t: 'updated', id: m.id, ok: true }),
            (err: Error) => post({ t: 'updated', id: m.id, ok: false, error: err.message }),
          );
        break;
      case 'loop':
        ownerLoop = m.loop;
        break;
      case 'stop':
        void (member?.stop() ?? Promise.resolve()).then(() => {
          post({ t: 'stopped' });
          port.close();
        });
        break;
    }
  });
  startMemberDaemon<C, O>({
    configDir: o.configDir,
    stateDir: o.stateDir,
    name: o.name,
    emptyContent: o.emptyContent,
    ...(o.fresh ? { fresh: () => o.fresh! } : {}),
    apply,
    log: (level, msg) => post({ t: 'log', level, msg }),
    onChange: (what) => report([...what]),
    onDeliver: (from, body) => {
      // The owner handles a delivery with the view it belongs to.
      report([]);
      post({ t: 'deliver', from, body });
    },
    onStep: reportBacklog,
    statusExtra: () => (ownerLoop ? { ownerLoop } : {}),
  }).then(
    (m) => {
      member = m;
      report([]);
      reportBacklog();
      post({ t: 'ready', links: m.links.map((l) => ({ index: l.index, describe: l.describe })) });
    },
    (err: Error) => {
      post({ t: 'failed', message: err.message });
      port.close();
    },
  );
}
