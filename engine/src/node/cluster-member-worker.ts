/**
 * The node daemon's membership thread (see ../membership/transport/member-thread.ts): the
 * membership with the cluster's update function, applied on the DC to the replicated
 * configuration. Where resources run (for move and ban) comes with the request, as the
 * requesting node saw it: crm_resource, too, computes its constraint where it runs.
 */
import { serveMemberThread } from '../membership/transport/serve-member-thread.js';
import { applyClusterWrite, type ClusterContent, type ClusterWrite } from './config-writes.js';

serveMemberThread<ClusterContent, ClusterWrite>((content, op) => {
  const r = applyClusterWrite(content, op.req, (rsc) => op.active[rsc] ?? [], op.origin);
  return r.ok ? { ok: true, content: r.content } : r;
});
