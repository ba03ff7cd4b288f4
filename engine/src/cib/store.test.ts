import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { exportCib } from './export';
import { importCib } from './import';
import { CibStore } from './store';
import { cibDigest, readCibFile, type WriteStep, writeCibFile } from './store-files';
import { formatVersion } from './store-version';
import { el } from './xml-tree';

const base = mkdtempSync(join(tmpdir(), 'ocfkit-cib-store-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(base, `s${++n}`, 'cib');

const SEED = `<cib admin_epoch="0" epoch="3" num_updates="7" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
`;

const addPrimitive = (id: string) => (cib: ReturnType<CibStore['snapshot']>) => {
  const resources = cib.children.find((c) => c.name === 'configuration')?.children.find((c) => c.name === 'resources');
  resources?.children.push(el('primitive', { id, class: 'ocf', provider: 'heartbeat', type: 'Dummy' }));
};

describe('CibStore', () => {
  test('a seed is taken on the first start only; its status is dropped; versions follow Pacemaker', () => {
    const dir = fresh();
    const logs: string[] = [];
    const s = CibStore.open({ dir, seed: SEED, seedName: 'seed.xml', log: (_l, m) => logs.push(m) });
    expect(formatVersion(s.version)).toBe('0.3.7');
    expect(s.model().status).toEqual([]);
    expect(logs.join('\n')).toContain('status section dropped');

    const c = s.updateConfig(addPrimitive('d2'), 'test');
    expect(c && formatVersion(c.version)).toBe('0.4.0');
    s.updateStatus((st) => st.children.push(el('node_state', { id: '1', uname: 'n1', in_ccm: 'true' })), 'controller');
    expect(formatVersion(s.version)).toBe('0.4.1');
    // An update that changes nothing is no change.
    expect(s.updateConfig(() => {}, 'test')).toBeUndefined();

    const again = CibStore.open({ dir, seed: SEED.replace('d1', 'other'), seedName: 'seed.xml', log: (_l, m) => logs.push(m) });
    expect(again.model().resources.map((r) => r.id)).toEqual(['d1', 'd2']);
    // Status is not persisted (the controller probes); num_updates as last written.
    expect(again.model().status).toEqual([]);
    expect(formatVersion(again.version)).toBe('0.4.0');
    expect(logs.at(-1)).toBe(`seed seed.xml ignored: ${dir} already holds a CIB`);
  });

  test('an invalid change is refused with the element named and nothing changes, on disk or in memory', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED });
    const before = readFileSync(join(dir, 'cib.xml'), 'utf8');
    const xml = s.xml();
    expect(() =>
      s.updateConfig((cib) => {
        const constraints = cib.children[0]?.children.find((c) => c.name === 'constraints');
        constraints?.children.push(el('rsc_location', { id: 'loc1', rsc: 'nope', node: 'n1', score: '10' }));
      }, 'test'),
    ).toThrow('<rsc_location id="loc1"> rsc="nope" names no resource');
    expect(() =>
      s.replace(SEED.replace('class="ocf" provider="heartbeat"', 'class="ocf"').replace('epoch="3"', 'epoch="9"'), 'test'),
    ).toThrow('<primitive id="d1"> has class "ocf" but no provider');
    expect(s.xml()).toBe(xml);
    expect(readFileSync(join(dir, 'cib.xml'), 'utf8')).toBe(before);
    expect(() => s.updateStatus((st) => st.children.push(el('node_state', { uname: 'x' })), 'c')).toThrow(
      '<node_state> is missing required attribute "id"',
    );
    expect(s.xml()).toBe(xml);
  });

  test('replace keeps the status, refuses older configurations, and moves the epoch on', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED });
    s.updateStatus((st) => st.children.push(el('node_state', { id: '1', uname: 'n1' })), 'controller');
    expect(() => s.replace(SEED.replace('epoch="3"', 'epoch="2"'), 'test')).toThrow(
      'the new CIB (version 0.2.7) is older than the current one (0.3.8)',
    );
    const c = s.replace(SEED.replace('type="Dummy"', 'type="Stateful"').replace('<status>', '<status><node_state id="9"/>'), 'test');
    expect(c && formatVersion(c.version)).toBe('0.4.0');
    expect(s.model().status.map((x) => x.id)).toEqual(['1']);
    const admin = s.replace(SEED.replace('admin_epoch="0" epoch="3"', 'admin_epoch="2" epoch="1"'), 'test');
    expect(admin && formatVersion(admin.version)).toBe('2.1.0');
  });

  test('subscribers see every committed change with its versions and origin', () => {
    const s = CibStore.open({ dir: fresh(), seed: SEED });
    const seen: string[] = [];
    const off = s.subscribe((c) => seen.push(`${formatVersion(c.previous)}->${formatVersion(c.version)} ${c.configChanged} ${c.origin}`));
    s.updateConfig(addPrimitive('d2'), 'ocfkit cib patch');
    s.updateStatus(() => {}, 'controller');
    off();
    s.updateConfig(addPrimitive('d3'), 'x');
    expect(seen).toEqual(['0.3.7->0.4.0 true ocfkit cib patch', '0.4.0->0.4.1 false controller']);
  });

  test('files are 0600 in a 0700 directory; backups are numbered and bounded; an existing directory is not touched', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED, backups: 3 });
    for (let i = 0; i < 6; i++) s.updateConfig(addPrimitive(`x${i}`), 'test');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'cib-4.raw',
      'cib-4.raw.sig',
      'cib-5.raw',
      'cib-5.raw.sig',
      'cib-6.raw',
      'cib-6.raw.sig',
      'cib.xml',
      'cib.xml.sig',
    ]);
    for (const f of files) expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(join(dir, 'cib.xml.sig'), 'utf8').trim()).toBe(cibDigest(readFileSync(join(dir, 'cib.xml'), 'utf8')));
    // cib-6.raw is the configuration before the last write.
    expect(readFileSync(join(dir, 'cib-6.raw'), 'utf8')).toContain('epoch="8"');

    const shared = join(base, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    CibStore.open({ dir: shared });
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => CibStore.open({ dir: open })).toThrow(`${open} is writable by everyone (mode 777); use a private directory`);
  });

  test('a write interrupted after any step leaves the old or the new CIB, digest-verified', () => {
    const steps: WriteStep[] = ['tmp-written', 'sig-tmp-written', 'backup-linked', 'cib-renamed', 'sig-renamed'];
    for (const stop of steps) {
      const dir = fresh();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeCibFile(dir, 'old\n');
      expect(() =>
        writeCibFile(dir, 'new\n', {
          step: (s) => {
            if (s === stop) throw new Error('crash');
          },
        }),
      ).toThrow('crash');
      const loaded = readCibFile(dir);
      expect({ stop, xml: loaded?.xml }).toEqual({ stop, xml: ['cib-renamed', 'sig-renamed'].includes(stop) ? 'new\n' : 'old\n' });
      expect(existsSync(join(dir, 'cib.xml.tmp')) || existsSync(join(dir, 'cib.xml.sig.tmp'))).toBe(false);
      expect(readCibFile(dir)?.source).toBe('cib.xml');
    }
  });

  test('a cib.xml that fails its digest is set aside and the newest good backup restored; with none, loading refuses', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED });
    s.updateConfig(addPrimitive('d2'), 'test');
    writeFileSync(join(dir, 'cib.xml'), readFileSync(join(dir, 'cib.xml'), 'utf8').replace('d2', 'dX'));
    const logs: string[] = [];
    const again = CibStore.open({ dir, log: (_l, m) => logs.push(m) });
    expect(again.model().resources.map((r) => r.id)).toEqual(['d1']);
    expect(logs.join('\n')).toMatch(/does not match its digest in cib.xml.sig; moved it to .*cib.xml.corrupt-\d+/);
    expect(logs.join('\n')).toContain('restored the configuration from backup');

    const lone = fresh();
    mkdirSync(lone, { recursive: true, mode: 0o700 });
    writeCibFile(lone, SEED, { backups: 0 });
    writeFileSync(join(lone, 'cib.xml'), SEED.replace('d1', 'd9'));
    expect(() => CibStore.open({ dir: lone })).toThrow(
      `${lone}/cib.xml fails its digest and no backup in ${lone} verifies: refusing to start`,
    );
  });
});

describe('CibStore.writeStatus', () => {
  test('records a typed status (and have-quorum/dc-uuid) without touching the configuration; model() stays in step', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED });
    const onDisk = readFileSync(join(dir, 'cib.xml'), 'utf8');
    const m = s.model();
    const next = {
      ...m,
      attrs: { ...m.attrs, 'have-quorum': '1', 'dc-uuid': '1' },
      status: [
        {
          id: '1',
          uname: 'n1',
          attrs: { id: '1', uname: 'n1', in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' },
          transient: [],
          lrm: [{ id: 'd1', class: 'ocf', provider: 'heartbeat', type: 'Dummy', ops: [] }],
        },
      ],
    };
    const c = s.writeStatus(next, 'controller');
    expect(c && formatVersion(c.version)).toBe('0.3.8');
    expect(s.model().status[0]?.lrm[0]?.id).toBe('d1');
    expect(s.model().attrs.num_updates).toBe('8');
    // The cached model equals what importing the document gives.
    // (Its `source` is the document it was read from before this status: the export is the same.)
    expect({ ...s.model(), source: undefined }).toEqual({ ...importCib(s.xml()), source: undefined });
    expect(exportCib(s.model())).toBe(exportCib(importCib(s.xml())));
    expect(s.xml()).toContain('have-quorum="1" dc-uuid="1"');
    expect(s.xml()).toContain('<lrm_resource id="d1" type="Dummy" class="ocf" provider="heartbeat"/>');
    expect(s.writeStatus(next, 'controller')).toBeUndefined();
    expect(readFileSync(join(dir, 'cib.xml'), 'utf8')).toBe(onDisk);
  });
});

describe('CibStore.adopt (a cluster member taking its DC copy)', () => {
  test('configuration and versions come from the copy as they are, the status stays, the disk follows', () => {
    const dir = fresh();
    const s = CibStore.open({ dir, seed: SEED });
    s.updateStatus((status) => {
      status.children = [el('node_state', { id: '1', uname: 'n1', in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' })];
    }, 'controller');
    const copy = SEED.replace('epoch="3" num_updates="7"', 'epoch="9" num_updates="2"').replace(
      '<primitive id="d1"',
      '<primitive id="d2" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="d1"',
    );
    const seen: string[] = [];
    s.subscribe((c) => seen.push(`${c.origin} ${formatVersion(c.version)} ${c.configChanged}`));
    const change = s.adopt(copy, 'cluster');
    expect(formatVersion(s.version)).toBe('0.9.2');
    expect(change?.configChanged).toBe(true);
    expect(seen).toEqual(['cluster 0.9.2 true']);
    expect(s.model().resources.map((r) => r.id)).toEqual(['d2', 'd1']);
    expect(s.model().status.map((n) => n.uname)).toEqual(['n1']);
    // The same copy again changes nothing; a reopened store has it.
    expect(s.adopt(copy, 'cluster')).toBeUndefined();
    expect(formatVersion(CibStore.open({ dir }).version)).toBe('0.9.2');
    // An invalid copy is refused and leaves everything as it was.
    expect(() =>
      s.adopt(
        '<cib admin_epoch="0" epoch="10" num_updates="0"><configuration><resources><primitive id="x"/></resources></configuration></cib>',
        'cluster',
      ),
    ).toThrow();
    expect(formatVersion(s.version)).toBe('0.9.2');
  });
});
