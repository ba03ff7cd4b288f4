import { describe, expect, it } from 'vitest';
import { OCF } from '../codes';
import { defineAgent } from '../define-agent';
import { metaData } from './metadata';

const full = defineAgent({
  name: 'Full',
  version: '2.0',
  shortdesc: 'Everything & more',
  longdesc: 'Manages <things> "quoted"',
  params: {
    conf: { type: 'string', shortdesc: 'Config', required: true, unique: true },
    level: { type: 'select', shortdesc: 'Level', options: ['a', 'b'], default: 'a', reloadable: true },
    old: { type: 'integer', shortdesc: 'Old', deprecated: { replacedWith: 'level' }, uniqueGroup: 'g1' },
  },
  status: () => 'stopped',
  actions: {
    start: () => {},
    stop: () => {},
    promote: () => {},
    demote: () => {},
    notify: () => OCF.SUCCESS,
    'reload-agent': () => OCF.SUCCESS,
  },
});

describe('metaData', () => {
  it('renders OCF 1.1 meta-data with escaping, select, deprecation and per-role monitors', () => {
    expect(metaData(full)).toMatchInlineSnapshot(`
      "<?xml version="1.0"?>
      <resource-agent name="Full" version="2.0">
      <version>1.1</version>
      <longdesc lang="en">Manages &lt;things&gt; &quot;quoted&quot;</longdesc>
      <shortdesc lang="en">Everything &amp; more</shortdesc>
      <parameters>
      <parameter name="conf" unique="1" required="1">
      <longdesc lang="en">Config</longdesc>
      <shortdesc lang="en">Config</shortdesc>
      <content type="string"/>
      </parameter>
      <parameter name="level" unique="0" required="0" reloadable="1">
      <longdesc lang="en">Level</longdesc>
      <shortdesc lang="en">Level</shortdesc>
      <content type="select" default="a">
      <option value="a"/>
      <option value="b"/>
      </content>
      </parameter>
      <parameter name="old" unique="0" required="0" unique-group="g1">
      <deprecated>
      <replaced-with name="level"/>
      </deprecated>
      <longdesc lang="en">Old</longdesc>
      <shortdesc lang="en">Old</shortdesc>
      <content type="integer"/>
      </parameter>
      </parameters>
      <actions>
      <action name="start" timeout="20s"/>
      <action name="stop" timeout="20s"/>
      <action name="monitor" timeout="20s" interval="9s" depth="0" role="Promoted"/>
      <action name="monitor" timeout="20s" interval="10s" depth="0" role="Unpromoted"/>
      <action name="promote" timeout="20s"/>
      <action name="demote" timeout="20s"/>
      <action name="notify" timeout="5s"/>
      <action name="reload-agent" timeout="20s"/>
      <action name="validate-all" timeout="20s"/>
      <action name="meta-data" timeout="5s"/>
      </actions>
      </resource-agent>
      "
    `);
  });

  it('is byte-for-byte deterministic', () => {
    expect(metaData(full)).toBe(metaData(full));
  });

  it('refuses portable reload when a non-unique parameter is not reloadable', () => {
    expect(() =>
      defineAgent({
        name: 'Bad',
        version: '1',
        shortdesc: 's',
        longdesc: 'l',
        metadata: 'portable',
        params: { x: { type: 'string', shortdesc: 'x' } },
        status: () => 'stopped',
        actions: { start: () => {}, stop: () => {}, 'reload-agent': () => OCF.SUCCESS },
      }),
    ).toThrow('mark "x" reloadable or unique');
  });
});
