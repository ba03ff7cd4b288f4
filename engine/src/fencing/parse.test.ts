import { describe, expect, it } from 'vitest';
import { fenceArgs, stdinText } from './args';
import { delayBaseFor, delayBaseWarnings, fenceDevice, fencingDelayMs, hostCheck } from './device';
import { parseFenceMetadata } from './metadata';
import { parseHostMap, parseTargets } from './targets';
import { levelsFor, readTopology } from './topology';

const md = parseFenceMetadata(
  `<?xml version="1.0" ?><resource-agent name="fence_x" shortdesc="X"><parameters>
   <parameter name="action" required="1"><content type="string" default="reboot"/></parameter>
   <parameter name="plug" required="1" obsoletes="port"><content type="string"/></parameter>
   <parameter name="port" required="1" deprecated="1"><content type="string"/></parameter>
   <parameter name="ip" required="1"><content type="string"/></parameter>
   </parameters><actions><action name="on"/><action name="off"/><action name="list"/></actions></resource-agent>`,
  'fence_x',
);

describe('fence agent meta-data', () => {
  it('reads parameters (action/plug/port optional, as Pacemaker treats them), actions and the host argument', () => {
    expect(md.parameters.map((p) => `${p.name}:${p.required}`)).toEqual(['action:false', 'plug:false', 'port:false', 'ip:true']);
    expect([...md.actions]).toEqual(['on', 'off', 'list']);
    expect(md.hostArg).toBe('plug');
    expect(() => parseFenceMetadata('<foo/>', 'fence_y')).toThrow('fence_y: meta-data root is <foo>, expected <resource-agent>');
  });
});

describe('device options', () => {
  it('derives pcmk_host_check as Pacemaker does', () => {
    expect(hostCheck(fenceDevice('d', 'fence_x', {}), md)).toBe('dynamic-list');
    expect(hostCheck(fenceDevice('d', 'fence_x', { pcmk_host_map: 'a:1' }), md)).toBe('static-list');
    expect(hostCheck(fenceDevice('d', 'fence_x', {}), { ...md, actions: new Set(['status']) })).toBe('status');
    expect(hostCheck(fenceDevice('d', 'fence_x', {}), { ...md, actions: new Set() })).toBe('none');
  });

  it('refuses bad values naming the option', () => {
    expect(() => fenceDevice('d', 'fence_x', { pcmk_host_check: 'maybe' })).toThrow(
      'device d: pcmk_host_check="maybe" is not one of static-list, dynamic-list, status, none',
    );
    expect(() => fenceDevice('d', 'fence_x', { pcmk_delay_max: 'soon' })).toThrow('device d: pcmk_delay_max="soon" is not a duration');
    expect(() => fenceDevice('d', 'fence_x', { pcmk_reboot_retries: 'x' })).toThrow('device d: pcmk_reboot_retries="x" is not a count');
    expect(() => fenceDevice('d', 'fence_x', { pcmk_host_map: 'node1' })).toThrow('pcmk_host_map: malformed mapping "node1"');
    expect(() => fenceDevice('d', 'dummy', {})).toThrow('fence agent names start with fence_');
  });

  it('delays: base plus a random part up to max, per target, only for off and reboot', () => {
    const d = fenceDevice('d', 'fence_x', { pcmk_delay_base: '2s', pcmk_delay_max: '4s' });
    expect([0, 0.9999999].map((r) => fencingDelayMs(d, 'off', 'n', r))).toEqual([2000, 4000]);
    expect(fencingDelayMs(d, 'on', 'n', 0.5)).toBe(0);
    const per = fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node1:5s node2:0s' });
    expect([fencingDelayMs(per, 'reboot', 'NODE1', 0.3), fencingDelayMs(per, 'reboot', 'node2', 0.3)]).toEqual([5000, 0]);
  });

  it('pcmk_delay_base maps match names by prefix, first entry first, as pacemaker-fenced 2.1.5 does', () => {
    // get_action_delay_base: strncasecmp(target, name, strlen(name)) over the entries in order
    const d = fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node1:15s;node2:0s' });
    expect(['node1', 'node10', 'Node1a', 'node2', 'node20', 'node', 'node3'].map((t) => delayBaseFor(d, t))).toEqual([
      15000, 15000, 15000, 0, 0, 0, 0,
    ]);
    const shadowed = fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node1:15s node10:5s' });
    expect(fencingDelayMs(shadowed, 'off', 'node10', 0)).toBe(15000);
    const longestFirst = fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node10:5s;node1:15s' });
    expect([delayBaseFor(longestFirst, 'node10'), delayBaseFor(longestFirst, 'node1')]).toEqual([5000, 15000]);
  });

  it("warns when a pcmk_delay_base map gives a node another name's delay", () => {
    const shadowed = fenceDevice('fenceA', 'fence_x', { pcmk_delay_base: 'node1:15s;node10:5s' });
    expect(delayBaseWarnings(shadowed, ['node1', 'node2', 'node10'])).toEqual([
      'device fenceA: pcmk_delay_base entry "node1" (15000 ms) also applies to node10: names match by prefix, the first entry wins (its own entry, 5000 ms, is never used: put it first)',
    ]);
    const unlisted = fenceDevice('fenceA', 'fence_x', { pcmk_delay_base: 'node1:15s;node2:0s' });
    expect(delayBaseWarnings(unlisted, ['node1', 'node2', 'node11'])).toEqual([
      'device fenceA: pcmk_delay_base entry "node1" (15000 ms) also applies to node11: names match by prefix, the first entry wins',
    ]);
    expect(delayBaseWarnings(fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node10:5s;node1:15s' }), ['node1', 'node10'])).toEqual([]);
    expect(delayBaseWarnings(fenceDevice('d', 'fence_x', { pcmk_delay_base: '5s' }), ['node1', 'node10'])).toEqual([]);
  });
});

describe('agent arguments', () => {
  it('keeps a configured plug and refuses values that would smuggle a line', () => {
    const d = fenceDevice('d', 'fence_x', { plug: 'fixed', ip: 'a', provides: 'unfencing' });
    expect([...fenceArgs(d, md, 'off', 'node1')]).toEqual([
      ['action', 'off'],
      ['nodename', 'node1'],
      ['plug', 'fixed'],
      ['ip', 'a'],
    ]);
    const none = fenceDevice('d', 'fence_x', { pcmk_host_argument: 'none' });
    expect([...fenceArgs(none, md, 'off', 'node1').keys()]).toEqual(['action', 'nodename']);
    expect(() => stdinText(new Map([['ip', 'a\naction=on']]))).toThrow('fence argument "ip" contains a line break');
  });
});

describe('targets and topology', () => {
  it('parses list output and host maps', () => {
    expect(parseTargets('vm-1,node1\nvm-2 on\n$bad\nError: invalid option\n')).toEqual(['vm-1', 'node1', 'vm-2']);
    expect([...parseHostMap(' node1:vm1;node2=vm2  node3:vm3 ')]).toEqual([
      ['node1', 'vm1'],
      ['node2', 'vm2'],
      ['node3', 'vm3'],
    ]);
  });

  it('reads fencing-topology and picks levels by name, then pattern, then attribute', () => {
    const lvl = (attrs: Record<string, string>) => ({ name: 'fencing-level', attrs, children: [] });
    const levels = readTopology({
      other: [
        {
          name: 'fencing-topology',
          attrs: {},
          children: [
            lvl({ id: 'b', index: '2', target: 'node1', devices: 'pdu1,pdu2' }),
            lvl({ id: 'a', index: '1', target: 'node1', devices: 'ipmi1' }),
            lvl({ id: 'p', index: '1', 'target-pattern': '^node[0-9]$', devices: 'pat' }),
            lvl({ id: 'r', index: '1', 'target-attribute': 'rack', 'target-value': '7', devices: 'rackpdu' }),
          ],
        },
      ],
    });
    expect(levelsFor(levels, 'node1', {}).map((l) => l.devices)).toEqual([['ipmi1'], ['pdu1', 'pdu2']]);
    expect(levelsFor(levels, 'node2', {}).map((l) => l.id)).toEqual(['p']);
    expect(levelsFor(levels, 'db1', { rack: '7' }).map((l) => l.id)).toEqual(['r']);
    expect(() =>
      readTopology({
        other: [{ name: 'fencing-topology', attrs: {}, children: [lvl({ id: 'x', index: '0', target: 'n', devices: 'd' })] }],
      }),
    ).toThrow('fencing-level x: index="0" must be 1-9');
  });
});
