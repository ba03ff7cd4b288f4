/**
 * Resource sets: what the scheduler models (and so no longer warns about), and what keeps its
 * warning and is ignored as the warning says. Placement itself is checked against crm_simulate by
 * the golden scenarios `resource-sets` and `resource-sets-roles`.
 */
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';

function cib(constraints: string, stopped: string[] = []): ReturnType<typeof importCib> {
  const meta = (id: string) =>
    stopped.includes(id)
      ? `<meta_attributes id="${id}-m"><nvpair id="${id}-tr" name="target-role" value="Stopped"/></meta_attributes>`
      : '';
  const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta(id)}</primitive>`;
  const node = (n: number) =>
    `<node_state id="${n}" uname="node${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources/></lrm></node_state>`;
  return importCib(`<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>${['A', 'B', 'C'].map(prim).join('')}</resources>
    <constraints>${constraints}</constraints></configuration>
    <status>${node(1)}${node(2)}</status></cib>`);
}

const set = (id: string, ids: string[], attrs = '') =>
  `<resource_set id="${id}" ${attrs}>${ids.map((r) => `<resource_ref id="${r}"/>`).join('')}</resource_set>`;
const where = (r: ReturnType<typeof schedule>, rsc: string) => r.placements.find((p) => p.rsc === rsc);

describe('resource sets', () => {
  it('applies ordering and colocation sets without warning about them', () => {
    const r = schedule({
      cib: cib(
        `<rsc_colocation id="together" score="INFINITY">${set('s1', ['A', 'B', 'C'])}</rsc_colocation>
         <rsc_location id="c-node2" node="node2" score="100">${set('s2', ['C'])}</rsc_location>
         <rsc_order id="chain">${set('s3', ['A', 'B', 'C'])}</rsc_order>`,
      ),
      now: 1_800_000_000,
    });
    expect(r.warnings).toEqual([]);
    // C with B with A: the location on C pulls the whole chain to node2.
    for (const rsc of ['A', 'B', 'C']) expect(where(r, rsc)?.nodes).toEqual(['node2']);
  });

  it('starts what follows a require-all=false set once any one of its members can start', () => {
    const run = (constraints: string) => schedule({ cib: cib(constraints), now: 1_800_000_000 });
    const anyThenC = `<rsc_order id="any-then-c">${set('any', ['A', 'B'], 'require-all="false" sequential="false"')}${set('c', ['C'])}</rsc_order>`;
    const one = run(anyThenC);
    expect(one.warnings).toEqual([]);
    expect(where(one, 'C')?.nodes).toHaveLength(1);
    // With A and B both kept stopped, C cannot start.
    expect(where(schedule({ cib: cib(anyThenC, ['A']), now: 1_800_000_000 }), 'C')?.nodes).toHaveLength(1);
    const none = schedule({ cib: cib(anyThenC, ['A', 'B']), now: 1_800_000_000 });
    expect(where(none, 'C')?.nodes ?? []).toEqual([]);
  });

  it('keeps warning about (and ignores) what it does not model: Serialize, require-all=false next to sequential="true"', () => {
    const r = schedule({
      cib: cib(
        `<rsc_order id="any-then-c">${set('any', ['A', 'B'], 'require-all="false" sequential="true"')}${set('c', ['C'])}</rsc_order>
         <rsc_order id="one-at-a-time" kind="Serialize">${set('ser', ['A', 'B'])}</rsc_order>`,
      ),
      now: 1_800_000_000,
    });
    expect(r.warnings).toEqual([
      '<rsc_order id="any-then-c"> is ignored: require-all=false next to a sequential="true" resource set is not modelled',
      '<rsc_order id="one-at-a-time"> is ignored: Serialize orders in resource sets are not modelled',
    ]);
  });

  it('locates each member of a set by a location rule, but warns about (and ignores) one with a date expression', () => {
    const rule = (id: string, term: string) => `<rule id="${id}" score="INFINITY">${term}</rule>`;
    const onNode2 = `<expression id="e1" attribute="#uname" operation="eq" value="node2"/>`;
    const r = schedule({
      cib: cib(
        `<rsc_location id="ab-node2">${set('s1', ['A', 'B'])}${rule('r1', onNode2)}</rsc_location>
         <rsc_location id="c-dated">${set('s2', ['C'])}${rule('r2', '<date_expression id="d1" operation="gt" start="2001-01-01"/>')}</rsc_location>`,
      ),
      now: 1_800_000_000,
    });
    expect(r.warnings).toEqual([
      '<rsc_location id="c-dated"> is ignored: date expressions in the rules of a resource-set location are not modelled',
    ]);
    for (const rsc of ['A', 'B']) expect(where(r, rsc)?.nodes).toEqual(['node2']);
  });

  it('follows an id-ref to a set declared in another constraint, as crm_simulate does', () => {
    const r = schedule({
      cib: cib(
        `<rsc_location id="a-node1" rsc="A" node="node1" score="100"/>
         <rsc_colocation id="first" score="INFINITY">${set('ab', ['A', 'B'])}</rsc_colocation>
         <rsc_colocation id="again" score="-INFINITY"><resource_set id-ref="ab"/>${set('just-c', ['C'])}</rsc_colocation>`,
      ),
      now: 1_800_000_000,
    });
    expect(r.warnings).toEqual([]);
    // As crm_simulate decides: the referenced set takes the second constraint's -INFINITY inside
    // it too (B away from A, against the first constraint's B with A: B cannot run), and its first
    // member (A) is kept away from C.
    expect(where(r, 'A')?.nodes).toEqual(['node1']);
    expect(where(r, 'B')?.nodes).toEqual([]);
    expect(where(r, 'C')?.nodes).toEqual(['node2']);
  });
});
