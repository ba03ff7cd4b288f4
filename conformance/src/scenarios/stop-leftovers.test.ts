import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../rigs/rig';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS } from './agents-under-test';
import { blameStop } from './stop-leftovers';

const status = (online: string[], placed: Record<string, string[]>): ClusterStatus => ({
  via: 'node2',
  quorate: true,
  online,
  resources: new Map(Object.entries(placed).map(([id, nodes]) => [id, { id, nodes, failed: false }])),
  attributes: new Map(),
  failCounts: new Map(),
});

describe('blameStop', () => {
  const moved = status(['node1', 'node2', 'node3'], { prmIp: ['node2'], prmPg: ['node2'] });

  it('blames the pgsql agent when the cluster counts prmPg stopped on the node but a postmaster runs there', () => {
    expect(blameStop(moved, 'node1', { vip: false, postmaster: true }, HEARTBEAT_AGENTS)).toEqual([
      "the cluster counts prmPg as stopped on node1 (its stop returned success), but a postmaster still runs there: ocf:heartbeat:pgsql's stop reported success without stopping the server",
    ]);
  });

  it('blames the IP agent for an address left up, naming the agent under test', () => {
    const [line] = blameStop(moved, 'node1', { vip: true, postmaster: false }, OCFKIT_AGENTS);
    expect(line).toContain('prmIp as stopped on node1');
    expect(line).toContain(`ocf:${OCFKIT_AGENTS.ip.provider}:${OCFKIT_AGENTS.ip.type}'s stop reported success`);
  });

  it('blames nobody while the cluster still places the resource on the node (a stop in progress or failed)', () => {
    const stopping = status(['node1', 'node2', 'node3'], { prmIp: ['node1'], prmPg: ['node1'] });
    expect(blameStop(stopping, 'node1', { vip: true, postmaster: true }, HEARTBEAT_AGENTS)).toEqual([]);
  });

  it('blames nobody for a node the cluster cannot see (a partition minority stops on its own)', () => {
    const cut = status(['node2', 'node3'], { prmIp: ['node2'], prmPg: ['node2'] });
    expect(blameStop(cut, 'node1', { vip: true, postmaster: true }, HEARTBEAT_AGENTS)).toEqual([]);
  });

  it('nothing left, nothing to blame', () => {
    expect(blameStop(moved, 'node1', { vip: false, postmaster: false }, HEARTBEAT_AGENTS)).toEqual([]);
  });
});
