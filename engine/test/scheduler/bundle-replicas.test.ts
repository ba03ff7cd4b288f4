/**
 * Bundle replicas are kept where they run before any is moved (Pacemaker's distribute_children):
 * three replicas of a bundle on n1, n2, n3 (replicas-per-host 1), n1 put in standby. crm_simulate
 * 2.1.5 on this fixture: "Stop web-docker-0 (n1) due to node availability", nothing else (the
 * op-digests are crm_resource --digests'). Placing the replicas in order moved web-docker-0 to
 * n2 and stopped web-docker-1 there instead: a replica stopped that Pacemaker keeps.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';

const fixture = (name: string) => importCib(readFileSync(new URL(`fixtures/${name}.xml`, import.meta.url), 'utf8'));

describe('bundle replicas', () => {
  it('stop the replica whose node is lost and keep the others where they run', () => {
    const result = schedule({ cib: fixture('bundle-replica-on-standby'), now: 1_800_000_000 });
    const changes = result.graph.actions
      .filter((a) => a.rsc?.startsWith('web-') && ['start', 'stop'].includes(a.task))
      .map((a) => `${a.task} ${a.rsc} ${a.node}`);
    expect(changes).toEqual(['stop web-docker-0 n1']);
  });
});
