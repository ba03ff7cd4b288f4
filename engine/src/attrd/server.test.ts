import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attrdCall, ocfkitAttributes } from '@ocfkit/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { attrCommand } from '../cli/attr';
import { type Attrd, startAttrd } from './server';
import type { CommitEvent } from './store';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function attrd(options: { now?: () => number; stateFile?: string; dir?: string } = {}): Promise<Attrd> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'attrd-srv-'));
  if (!options.dir) cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const a = await startAttrd({ socket: join(dir, 'run', 'attrd.sock'), node: 'node1', ...options });
  cleanup.push(() => a.close());
  return a;
}

describe('bundled attrd server', () => {
  it('serves the SDK backend: set, get, delete, promotion scores; socket 0600 in a 0700 dir', async () => {
    const a = await attrd();
    expect(statSync(a.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(a.socket, '..')).mode & 0o777).toBe(0o700);
    const attrs = ocfkitAttributes(a.socket);
    expect(await attrs.get('diskcheck_status')).toBeUndefined();
    await attrs.set('diskcheck_status', 'normal');
    expect(await attrs.get('diskcheck_status')).toBe('normal');
    expect(a.committed()).toEqual({ diskcheck_status: 'normal' });
    await attrs.set('other', 'x', { node: 'node2' });
    expect(a.committed('node2')).toEqual({ other: 'x' });
    await attrs.setPromotionScore('pgsql:0', 100);
    expect(await attrs.getPromotionScore('pgsql')).toBe(100);
    expect(a.get('master-pgsql')?.value).toBe('100');
    await attrs.deletePromotionScore('pgsql');
    await attrs.delete('diskcheck_status');
    expect(await attrs.get('diskcheck_status')).toBeUndefined();
    expect(a.committed()).toEqual({});
  });

  it("getAll: every node's values of the names asked for in one list, deleted ones absent", async () => {
    const a = await attrd();
    const attrs = ocfkitAttributes(a.socket);
    await attrs.set('pgsql-status', 'PRI');
    await attrs.set('pgsql-status', 'HS:sync', { node: 'node2' });
    await attrs.set('pgsql-status', 'gone', { node: 'node3' });
    await attrs.delete('pgsql-status', { node: 'node3' });
    await attrs.setPromotionScore('pgsql', 100, { node: 'node2' });
    await attrs.set('unrelated', 'x');
    const t = await attrs.getAll(['pgsql-status', 'master-pgsql', 'never-set']);
    expect(Object.fromEntries([...t].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      'pgsql-status': { node1: 'PRI', node2: 'HS:sync' },
      'master-pgsql': { node2: '100' },
      'never-set': {},
    });
    await expect(attrs.getAll(['bad name'])).rejects.toThrow(/attribute name "bad name"/);
  });

  it('applies dampening with real timers and tells subscribers when the committed value changes', async () => {
    const a = await attrd();
    const events: CommitEvent[] = [];
    a.onCommit((e) => events.push(e));
    const attrs = ocfkitAttributes(a.socket);
    await attrs.set('d', 'ERROR', { dampenMs: 300 });
    expect(await attrs.get('d')).toBe('ERROR');
    expect(a.get('d')?.committed).toBeNull();
    await new Promise((r) => setTimeout(r, 600));
    expect(a.get('d')?.committed).toBe('ERROR');
    expect(events).toEqual([{ node: 'node1', name: 'd', previous: null, committed: 'ERROR' }]);
  });

  it('persists across restarts and commits values whose dampening ran out meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attrd-srv-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'state', 'attrd.json');
    let t = 1_000;
    const first = await attrd({ dir, stateFile, now: () => t });
    first.update('x', 'kept');
    first.update('y', 'late', { dampenMs: 10_000 });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    // Repeating a value (what agents do every check) writes nothing.
    const before = statSync(stateFile, { bigint: true }).mtimeNs;
    await new Promise((r) => setTimeout(r, 20));
    first.update('x', 'kept');
    expect(statSync(stateFile, { bigint: true }).mtimeNs).toBe(before);
    await first.close();
    t = 20_000;
    const second = await attrd({ dir, stateFile, now: () => t });
    expect(second.committed()).toEqual({ x: 'kept', y: 'late' });
  });

  it('answers bad requests with an error naming the field, and refuses a second server on the same socket', async () => {
    const a = await attrd();
    await expect(attrdCall(a.socket, { op: 'update', name: 'bad name', value: 'x' })).rejects.toThrow(/attribute name "bad name"/);
    const raw = await new Promise<string>((resolve) => {
      const c = connect(a.socket);
      let out = '';
      c.setEncoding('utf8');
      c.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) {
          c.destroy();
          resolve(out);
        }
      });
      c.write('{"op":"update","name":"a","value":"x","dampenMs":"5s"}\n');
    });
    expect(JSON.parse(raw)).toEqual({ ok: false, error: '"dampenMs" must be a number, got "5s"' });
    await expect(startAttrd({ socket: a.socket })).rejects.toThrow(/already listening/);
  });

  it('replaces a stale socket left by a killed server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attrd-srv-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const socket = join(dir, 'run', 'attrd.sock');
    mkdirSync(join(dir, 'run'), { mode: 0o700 });
    // A listener SIGKILLed leaves its socket file behind (no close() to unlink it).
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise((r) => child.stdout?.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(statSync(socket).isSocket()).toBe(true);
    const b = await attrd({ dir });
    await ocfkitAttributes(b.socket).set('z', '1');
    expect(b.committed()).toEqual({ z: '1' });
  });
});

describe('bundled attrd in a shared directory', () => {
  it('leaves an existing sticky world-writable directory (like /tmp) unchanged and refuses one without the sticky bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attrd-shared-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const shared = join(dir, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const a = await startAttrd({ socket: join(shared, 'attrd.sock'), stateFile: join(shared, 'attrd.json'), node: 'n1' });
    cleanup.push(() => a.close());
    await ocfkitAttributes(a.socket).set('k', 'v');
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(statSync(a.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(shared, 'attrd.json')).mode & 0o777).toBe(0o600);
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await expect(startAttrd({ socket: join(open, 'attrd.sock'), node: 'n1' })).rejects.toThrow(
      /writable by others \(mode 777\) without the sticky bit/,
    );
    expect(statSync(open).mode & 0o7777).toBe(0o777);
  });
});

describe('bundled attrd start-up checks', () => {
  it('refuses a socket path longer than 107 bytes and removes stale state.json.tmp-<pid> files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attrd-start-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const long = join(dir, `${'s'.repeat(120 - dir.length)}.sock`);
    await expect(startAttrd({ socket: long, node: 'n1' })).rejects.toThrow(/at most 107 fit in a Unix socket address/);
    const state = join(dir, 'state.json');
    // A pid that cannot be running (above pid_max), as a writer killed mid-save leaves it.
    writeFileSync(join(dir, 'state.json.tmp-99999999'), '{"version":1,"attr');
    writeFileSync(join(dir, `state.json.tmp-${process.ppid}`), 'a live writer');
    const a = await startAttrd({ socket: join(dir, 'a.sock'), stateFile: state, node: 'n1' });
    cleanup.push(() => a.close());
    expect(readdirSync(dir).sort()).toEqual(['a.sock', 'state.json', `state.json.tmp-${process.ppid}`]);
  });
});

describe('ocfkit attr list past 1 MiB', () => {
  it('pages the list so every attribute arrives however large the total', async () => {
    const a = await attrd();
    for (let i = 0; i < 200; i++) a.update(`big${String(i).padStart(3, '0')}`, String(i % 10).repeat(4000));
    let out = '';
    const rc = await attrCommand.run(['list', '--json', '-S', a.socket], { out: (t) => (out += t), err: (t) => (out += t) });
    expect(out.length).toBeGreaterThan(1 << 20);
    const list = JSON.parse(out) as { name: string; value: string }[];
    expect([rc, list.length, list[199]?.name, list[199]?.value]).toEqual([0, 200, 'big199', '9'.repeat(4000)]);
  });
});
