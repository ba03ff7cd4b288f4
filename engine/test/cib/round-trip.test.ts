/**
 * The CIB model keeps what it does not model: read → write of a cib.xml with utilization,
 * resource sets, a bundle, a template, a ticket, tags, alerts and unknown attributes gives the
 * same document back; the scheduler reads sets, tickets and utilization from the source, leaves the
 * rest alone and says so. With
 * OCFKIT_PACEMAKER_SCHEDULER_XML=DIR (e.g. cts/scheduler/xml of Pacemaker 2.1.5) every input of
 * DIR is round-tripped too: each comes back unchanged or is refused with a reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { CibError, parseXml } from '../../src/cib/xml-tree.js';
import { schedule } from '../../src/core/schedule.js';
import { firstDifference, roundTrip } from './round-trip.js';

const xml = readFileSync(join(import.meta.dirname, 'fixtures/unmodelled.xml'), 'utf8');

describe('the CIB model keeps what it does not model', () => {
  it('gives the same document back', () => {
    expect(roundTrip(xml)).toBeUndefined();
  });

  it('leaves bundles (expanded by the scheduler), sets, tickets and tag constraints out of the CIB model (date rules are in it); the scheduler reads sets, tickets, tags and utilization from the source and says what it leaves alone', () => {
    const cib = importCib(xml);
    // A primitive built from a template is modelled (its class and type are the template's).
    expect(cib.resources.map((r) => r.id)).toEqual(['web', 'from-tmpl', 'g', 'ms']);
    expect(cib.resources[1]).toMatchObject({ class: 'ocf', provider: 'heartbeat', type: 'Dummy', template: 'tmpl' });
    expect(cib.templates?.map((t) => t.id)).toEqual(['tmpl']);
    expect(cib.constraints.map((c) => c.id)).toEqual(['loc-web', 'loc-date', 'ord']);
    const result = schedule({ cib, now: 1_800_000_000 });
    expect(result.warnings).toMatchInlineSnapshot(`
      [
        "Guest nodes (httpd-bundle-0, httpd-bundle-1) are scheduled as Pacemaker would, but the controller cannot run their connections (ocf:pacemaker:remote) or anything on them",
        "<bundle id="httpd-bundle"> is only partly modelled: its replicas (containers, IPs, guest connections and the child's instances) are placed and started as Pacemaker would, but notifications inside the bundle, a guest node fenced while its container's host is lost, and promotion after a replica's recovery are not, and may differ from Pacemaker's; the controller cannot run remote connections or anything inside a container",
        "<rsc_colocation id="col-bundle"> is only partly modelled: the replicas of httpd-bundle are placed without web's preferences (Pacemaker's take them)",
      ]
    `);
    // A bundle's replicas are scheduled (core/bundles.ts); the tag's ban keeps web and g off n2.
    expect(result.graph.actions.filter((a) => a.task === 'start' && a.rsc?.startsWith('httpd')).map((a) => a.rsc)).toContain(
      'httpd-bundle-docker-0',
    );
    expect(result.graph.actions.filter((a) => a.task === 'start' && a.node === 'n2' && /^(web|a|b)$/.test(a.rsc ?? ''))).toEqual([]);
  });

  it('a changed model is written over the source: what it changed is its, the rest is the source', () => {
    const cib = importCib(xml);
    const web = cib.resources[0];
    if (web?.kind !== 'primitive') throw new Error('web is not a primitive');
    const changed = {
      ...cib,
      resources: [
        { ...web, params: [{ id: 'web-ia', pairs: [{ id: 'web-ia-state', name: 'state', value: '/run/web2' }] }] },
        ...cib.resources.slice(1, 2),
        ...cib.resources.slice(3),
      ],
      constraints: cib.constraints.filter((c) => c.id !== 'loc-web'),
    };
    const out = parseXml(exportCib(changed));
    const config = out.children.find((c) => c.name === 'configuration');
    const section = (name: string) => config?.children.find((c) => c.name === name);
    // g is gone (the model dropped it); the template and bundle stay; web keeps its description and utilization.
    expect(section('resources')?.children.map((r) => `${r.name}:${r.attrs.id}`)).toEqual([
      'primitive:web',
      'template:tmpl',
      'primitive:from-tmpl',
      'master:ms',
      'bundle:httpd-bundle',
    ]);
    // The primitive built from the template is written as it was read: template=, no class or type.
    expect(section('resources')?.children[2]?.attrs).toEqual({ id: 'from-tmpl', template: 'tmpl' });
    const webOut = section('resources')?.children[0];
    expect(webOut?.attrs.description).toBe('the web server');
    expect(webOut?.children.map((c) => c.name)).toEqual(['operations', 'utilization', 'instance_attributes']);
    expect(webOut?.children[2]?.children[0]?.attrs.value).toBe('/run/web2');
    // loc-web is gone; the constraints the model ignores stay, in place.
    expect(section('constraints')?.children.map((c) => c.attrs.id)).toEqual([
      'ord-set',
      'col-set',
      'col-bundle',
      'ticket-web',
      'loc-tag',
      'loc-date',
      'ord',
    ]);
    expect(firstDifference(parseXml(xml), out)).toBe(
      '/cib/configuration/resources/primitive[@id="web"]/instance_attributes[@id="web-ia"]/nvpair[@id="web-ia-state"] @value: "/run/web" became "/run/web2"',
    );
  });

  const suite = process.env.OCFKIT_PACEMAKER_SCHEDULER_XML;
  it.runIf(suite)('round-trips every input of $OCFKIT_PACEMAKER_SCHEDULER_XML or refuses it with a reason', () => {
    const dir = suite as string;
    const outcome = { same: 0, refused: [] as string[], differs: [] as string[] };
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
      try {
        const d = roundTrip(readFileSync(join(dir, f), 'utf8'));
        if (d === undefined) outcome.same++;
        else outcome.differs.push(`${f}: ${d}`);
      } catch (err) {
        if (!(err instanceof CibError)) throw err;
        outcome.refused.push(`${f}: ${err.message}`);
      }
    }
    process.stderr.write(
      `round trip of ${dir}: ${outcome.same} unchanged, ${outcome.refused.length} refused\n${outcome.refused.join('\n')}\n`,
    );
    expect(outcome.differs).toEqual([]);
  });
});
