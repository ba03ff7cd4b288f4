/**
 * Bundle replicas are kept where they run before any is moved (Pacemaker's distribute_children):
 * three replicas of a bundle on n1, n2, n3 (replicas-per-host 1), n1 put in standby. crm_simulate
 * 2.1.5 on this fixture: "Stop web-docker-0 (n1) due to node availability", nothing else (the
 * op-digests are crm_resource --digests'). Placing the replicas in order moved web-docker-0 to
 * n2 and stopped web-docker-1 there instead: a replica stopped that Pacemaker keeps.
 */
import { readFileSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { NOW } from './differential.js';
import { runCase } from './pacemaker-suite.js';
import { transitionSet } from './suite-compare.js';

const source = (name: string) => readFileSync(new URL(`fixtures/${name}.xml`, import.meta.url), 'utf8');
const fixture = (name: string) => importCib(source(name));
const noPacemaker = requireTool(['crm_simulate', 'crm_mon']);

describe('bundle replicas', () => {
  it('stop the replica whose node is lost and keep the others where they run', () => {
    const result = schedule({ cib: fixture('bundle-replica-on-standby'), now: 1_800_000_000 });
    const changes = result.graph.actions
      .filter((a) => a.rsc?.startsWith('web-') && ['start', 'stop'].includes(a.task))
      .map((a) => `${a.task} ${a.rsc} ${a.node}`);
    expect(changes).toEqual(['stop web-docker-0 n1']);
  });

  /*
   * A replica whose container has no room still has its guest connection placed (Pacemaker
   * colocates a bundle's connection with its container at 10000, not INFINITY, so with the
   * container unassigned the preference is rolled back), and the connection's start and the child
   * instance's start on that guest node are blocked. The placed connection counts towards its
   * node's resources, so d1 (no utilization) goes to n2, not n1. crm_simulate 2.1.5 on this
   * fixture: Start web-ip-192.168.122.10, web-docker-0, web-0 (n3), httpd:0 (web-0), d1 (n2);
   * Start web-1 (n1) and httpd:1 (web-1) "due to unrunnable web-docker-1 start (blocked)".
   */
  it('place a connection whose container has no room, and block the starts on its guest node', () => {
    const { summary } = schedule({ cib: fixture('bundle-replica-no-room'), now: NOW });
    const lines = transitionSet(summary);
    expect(lines).toContain('Start d1 (n2)');
    expect(summary).toMatch(/Start +web-1 +\( n1 \) +blocked/);
    expect(summary).toMatch(/Start +httpd:1 +\( web-1 \) +blocked/);
    expect(lines.filter((l) => l.includes('docker-1') || l.includes('192.168.122.11'))).toEqual([]);
  });

  it.skipIf(noPacemaker)('match crm_simulate when a replica has no room', { timeout: 60_000 }, async () => {
    const result = await runCase('bundle-replica-no-room', source('bundle-replica-no-room'), { now: NOW });
    expect(result.detail).toEqual([]);
    expect(result.verdict).toBe('equal');
  });

  /*
   * A bundle's implied resources are assigned at the bundle's place in the configuration, as
   * Pacemaker assigns them: web's replica first (n1, by name), then d1 on the node with fewer
   * resources (n2). crm_simulate 2.1.5: Start web-docker-0 (n1), web-0 (n1), httpd:0 (web-0),
   * d1 (n2). Appended after the other resources, the bundle went to n2 and d1 to n1.
   */
  it('assign a bundle where it is configured', () => {
    const lines = transitionSet(schedule({ cib: fixture('bundle-config-order'), now: NOW }).summary);
    expect(lines).toEqual(['Start d1 (n2)', 'Start httpd (web-0)', 'Start web-0 (n1)', 'Start web-docker-0 (n1)']);
  });

  it.skipIf(noPacemaker)('match crm_simulate on the configuration order', { timeout: 60_000 }, async () => {
    const result = await runCase('bundle-config-order', source('bundle-config-order'), { now: NOW });
    expect(result.detail).toEqual([]);
    expect(result.verdict).toBe('equal');
  });

  /*
   * A primitive colocated (INFINITY) with a bundle of several replicas runs where one of the
   * replicas' containers runs, and the bundle is assigned before it (Pacemaker's
   * pcmk__bundle_apply_coloc_score). crm_simulate 2.1.5: Start d1 (n1), web-docker-0 and web-0
   * (n1), web-docker-1 and web-1 (n2), httpd:0 (web-0), httpd:1 (web-1). The colocation was
   * ignored: d1 went to n1 first and the replicas to n2 and n3.
   */
  it('place a primitive with one of the replicas of a bundle it is colocated with', () => {
    const result = schedule({ cib: fixture('bundle-colocation-any-replica'), now: NOW });
    expect(transitionSet(result.summary)).toEqual([
      'Start d1 (n1)',
      'Start httpd (web-0)',
      'Start httpd (web-1)',
      'Start web-0 (n1)',
      'Start web-1 (n2)',
      'Start web-docker-0 (n1)',
      'Start web-docker-1 (n2)',
    ]);
    expect(result.warnings.some((w) => /d1-with-web.*only partly modelled/.test(w))).toBe(true);
  });

  it.skipIf(noPacemaker)('match crm_simulate on a colocation with any replica', { timeout: 60_000 }, async () => {
    const result = await runCase('bundle-colocation-any-replica', source('bundle-colocation-any-replica'), { now: NOW });
    expect(result.detail.filter((l) => !/^engine warnings:|^ {2}(Guest nodes|<)/.test(l))).toEqual([]);
    expect(result.verdict).toBe('equal');
  });

  // A score of 1000000 or more is INFINITY (Pacemaker's char2score): the same colocation.
  const numeric = () => source('bundle-colocation-any-replica').replace('score="INFINITY"', 'score="2000000"');
  it('take a colocation score of 1000000 or more as INFINITY', () => {
    const infinite = schedule({ cib: fixture('bundle-colocation-any-replica'), now: NOW });
    const result = schedule({ cib: importCib(numeric()), now: NOW });
    expect(transitionSet(result.summary)).toEqual(transitionSet(infinite.summary));
  });

  it.skipIf(noPacemaker)('match crm_simulate on a numeric INFINITY colocation with any replica', { timeout: 60_000 }, async () => {
    const result = await runCase('bundle-colocation-numeric', numeric(), { now: NOW });
    expect(result.detail.filter((l) => !/^engine warnings:|^ {2}(Guest nodes|<)/.test(l))).toEqual([]);
    expect(result.verdict).toBe('equal');
  });

  /*
   * A bundle's containers get the parameters Pacemaker makes for them (image, run_opts with the
   * host name, ports, mounts and every replica's `--add-host`, mount_points, run_cmd …), so their
   * history's digests (crm_resource --digests' in this fixture, for replicas="1") compare: grown to
   * two replicas, web-docker-0's run_opts lists web-1's address too, and crm_simulate 2.1.5 says
   * "Restart web-docker-0 (n1) due to resource definition change", with web-0 and httpd:0 after
   * it, then starts replica 1 on n2; db, unchanged, is left alone. The engine used made-up
   * parameters and compared no digest of a bundle: it restarted nothing.
   */
  it('restart a container whose parameters changed, and nothing else', () => {
    const lines = transitionSet(schedule({ cib: fixture('bundle-definition-change'), now: NOW }).summary);
    expect(lines.filter((l) => l.startsWith('Restart'))).toEqual([
      'Restart httpd (web-0)',
      'Restart web-0 (n1)',
      'Restart web-docker-0 (n1)',
    ]);
    expect(lines.filter((l) => l.includes('db-'))).toEqual([]);
  });

  it('leave containers alone whose parameters are as their history records', () => {
    const same = source('bundle-definition-change').replace('replicas="2"', 'replicas="1"');
    expect(transitionSet(schedule({ cib: importCib(same), now: NOW }).summary)).toEqual([]);
  });

  it.skipIf(noPacemaker)('match crm_simulate on a changed bundle', { timeout: 60_000 }, async () => {
    const result = await runCase('bundle-definition-change', source('bundle-definition-change'), { now: NOW });
    expect(result.detail.filter((l) => !/^engine warnings:|^ {2}(Guest nodes|<)/.test(l))).toEqual([]);
    expect(result.verdict).toBe('equal');
  });
  /*
   * A bundle's child instance N is replica N's, whatever order the guest nodes' histories come in
   * (Pacemaker's pe__find_bundle_replica): three unpromoted replicas with equal promotion scores,
   * their guest nodes' status written db-2, db-1, db-0. crm_simulate 2.1.5 on this fixture
   * (without -Q, which fails an assertion injecting the promote): "Promote sql:0 (Unpromoted ->
   * Promoted db-0)". Numbered in history order, sql:0 was db-2's, and db-2 was promoted.
   */
  it("number a bundle child's instances by replica, not by history order", () => {
    const { summary } = schedule({ cib: fixture('bundle-promoted-replica-order'), now: NOW });
    expect(summary).toMatch(/Promote +sql:0 +\( Unpromoted -> Promoted db-0 \)/);
    expect(transitionSet(summary)).toEqual(['Promote sql (Unpromoted -> Promoted db-0)']);
  });
  /*
   * The same bundle with n1 banned: replica 0's container cannot run, so sql:0 (first on the tie)
   * cannot be promoted on db-0, and sql:1 is (Pacemaker's node_to_be_promoted_on asks whether a
   * guest node's container is to run). crm_simulate 2.1.5: Stop db-ip-192.168.122.20, db-docker-0,
   * db-0 (n1), sql:0 (db-0) "due to unrunnable db-docker-0 start", "Promote sql:1 (Unpromoted ->
   * Promoted db-1)". The engine promoted nothing before.
   */
  it("promote another replica when the first one's container cannot run", () => {
    const { summary } = schedule({ cib: fixture('bundle-promote-unrunnable-replica'), now: NOW });
    expect(summary).toMatch(/Promote +sql:1 +\( Unpromoted -> Promoted db-1 \)/);
    expect(transitionSet(summary).filter((l) => l.startsWith('Promote'))).toEqual(['Promote sql (Unpromoted -> Promoted db-1)']);
  });
  /*
   * An `rsc-pattern` location tests the bundle's id, never the ids of the resources it implies:
   * "^db-[0-9]$" names the guest connections db-0..db-2, not the bundle db, so it bans nothing.
   * crm_simulate 2.1.5 on bundle-promoted-replica-order with this ban of n1 added: only "Promote
   * sql:0 (Unpromoted -> Promoted db-0)". The engine tested the connections' ids and moved db-0
   * away from its container (Move db-0 (n1 -> n2)).
   */
  it('test an rsc-pattern on the bundle id, not on its guest connections', () => {
    const ban = '<constraints><rsc_location id="ban-guests-n1" rsc-pattern="^db-[0-9]$" node="n1" score="-INFINITY"/></constraints>';
    const cib = importCib(source('bundle-promoted-replica-order').replace('<constraints/>', ban));
    expect(transitionSet(schedule({ cib, now: NOW }).summary)).toEqual(['Promote sql (Unpromoted -> Promoted db-0)']);
  });

  /*
   * A replica's container whose start cannot run (ordered after d0, which is stopped) blocks
   * neither its IP nor a primitive colocated with the bundle: Pacemaker blocks a colocation's
   * dependents through the uber-parent, the bundle, and only when none of its parts (IPs,
   * containers, connections, the child) can start (pcmk__block_colocation_dependents). The IP
   * can, so crm_simulate 2.1.5 on this fixture: Start web-ip-192.168.122.10 (n1), Start d1 (n1),
   * Start web-docker-0 (n1) "due to unrunnable d0 start (blocked)". The engine took the container
   * as the IP's and d1's primary and blocked both (differential seed 2 at OCFKIT_DIFF_BUNDLES=1).
   * Without the IP (bundle-all-blocked) nothing of the bundle can start, and d1 is blocked "due to
   * colocation with web" in both.
   */
  it('block no dependent of a bundle while one of its parts can start', () => {
    const { summary } = schedule({ cib: fixture('bundle-ip-unblocked'), now: NOW });
    expect(summary).toMatch(/Start +web-docker-0 +\( n1 \) +blocked/);
    expect(summary).toMatch(/Start +web-ip-192\.168\.122\.10 +\( n1 \)\n/);
    expect(summary).toMatch(/Start +d1 +\( n1 \)\n/);
  });

  it('block the dependents of a bundle none of whose parts can start', () => {
    const { summary } = schedule({ cib: fixture('bundle-all-blocked'), now: NOW });
    expect(summary).toMatch(/Start +d1 +\( n1 \) +blocked/);
  });

  /*
   * The replica that stays is placed before the others even though it avoids them (with
   * replicas-per-host 1 each container avoids the earlier ones, which would assign those first):
   * web-docker-2 active on n1 stays, 0 and 1 start on n2 and n3 (crm_simulate 2.1.5 on this
   * fixture). The engine assigned web-docker-1 first, through web-docker-2's avoidance, on n1 (by
   * name), and moved web-docker-2 to n2 (differential seed 97 at OCFKIT_DIFF_BUNDLES=1).
   */
  it('keep an active replica before placing the earlier ones it avoids', () => {
    const lines = transitionSet(schedule({ cib: fixture('bundle-replica-kept-first'), now: NOW }).summary);
    expect(lines).toEqual(['Start web-docker-0 (n2)', 'Start web-docker-1 (n3)']);
  });

  for (const name of ['bundle-ip-unblocked', 'bundle-all-blocked', 'bundle-replica-kept-first'])
    it.skipIf(noPacemaker)(`match crm_simulate on ${name}`, { timeout: 60_000 }, async () => {
      const result = await runCase(name, source(name), { now: NOW });
      expect(result.detail.filter((l) => !/^engine warnings:|^ {2}(Guest nodes|<)/.test(l))).toEqual([]);
      expect(result.verdict).toBe('equal');
    });
});
