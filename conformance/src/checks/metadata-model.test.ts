import { describe, expect, it } from 'vitest';
import { advertisedTimeout, advertises, parseMetaData } from './metadata-model';

const XML = `<?xml version="1.0"?>
<resource-agent name="x" version="0.1">
<version>1.0</version>
<longdesc lang="en">l</longdesc><shortdesc lang="en">s</shortdesc>
<parameters>
<parameter name="ip" unique="1" required="1"><longdesc lang="en">a</longdesc><shortdesc lang="en">b</shortdesc><content type="string"/></parameter>
<parameter name="mode" unique-group="g"><longdesc lang="en">a</longdesc><shortdesc lang="en">b</shortdesc>
<content type="select" default="a"><option value="a"/><option value="b"/></content></parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="monitor" timeout="20" interval="10s" role="Promoted"/>
<action name="monitor" timeout="30s" interval="11s" role="Unpromoted"/>
<action name="notify" timeout="soon"/>
</actions>
</resource-agent>`;

describe('parseMetaData', () => {
  it('reads the version element (as text: 1.0 stays 1.0), parameters and actions', () => {
    const md = parseMetaData(XML);
    if ('error' in md) throw new Error(md.error);
    expect(md.version).toBe('1.0');
    expect(md.params).toEqual([
      { name: 'ip', required: true, unique: true, type: 'string', options: [] },
      { name: 'mode', required: false, unique: true, type: 'select', default: 'a', options: ['a', 'b'] },
    ]);
    expect(md.actions.map((a) => [a.name, a.timeoutMs])).toEqual([
      ['start', 20_000],
      ['monitor', 20_000],
      ['monitor', 30_000],
      ['notify', undefined],
    ]);
    expect(advertisedTimeout(md, 'monitor', 1)).toBe(30_000);
    expect(advertisedTimeout(md, 'stop', 1234)).toBe(1234);
    expect(advertises(md, 'notify')).toBe(true);
    expect(advertises(md, 'promote')).toBe(false);
  });

  it('says why a document is unusable', () => {
    expect(parseMetaData('<resource-agent name="x">')).toMatchObject({ error: expect.stringMatching(/^not well-formed XML/) });
    expect(parseMetaData('<agent name="x"/>')).toEqual({ error: 'the root element is not <resource-agent>' });
    expect(parseMetaData('<resource-agent/>')).toEqual({ error: '<resource-agent> has no name attribute' });
  });
});
