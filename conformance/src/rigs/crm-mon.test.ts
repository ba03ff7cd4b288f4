import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupNode } from '../scenarios/run-scenario';
import { parseCrmMon } from './crm-mon';

// crm_mon -1 -r -A -f --output-as=xml of the pacemaker rig with grp_pgsql running on node1
const XML = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'crm-mon-seed.xml'), 'utf8');

describe('parseCrmMon', () => {
  it('reads members, DC, quorum, where each primitive and clone instance is active, node attributes', () => {
    const st = parseCrmMon(XML, 'node1');
    expect(st.online).toEqual(['node1', 'node2', 'node3']);
    expect(st.dc).toBeDefined();
    expect(st.quorate).toBe(true);
    expect(st.resources.get('prmIp')?.nodes).toEqual(['node1']);
    expect(st.resources.get('prmDiskd')?.nodes.sort()).toEqual(['node1', 'node2', 'node3']);
    expect(st.attributes.get('node2')).toEqual({ diskcheck_status: 'normal' });
  });

  it('refuses what is not crm_mon XML, quoting it', () => {
    expect(() => parseCrmMon('<html/>', 'node3')).toThrow(/crm_mon output from node3 is not crm_mon XML: <html\/>/);
  });

  it('groupNode: the one node both members run on, or what is wrong', () => {
    const st = parseCrmMon(XML, 'node1');
    expect(groupNode(st)).toBe('node1');
    st.resources.set('prmPg', { id: 'prmPg', nodes: ['node1', 'node2'], failed: true });
    expect(groupNode(st)).toEqual({ why: 'prmIp on node1, prmPg on node1+node2 (failed)' });
  });
});
