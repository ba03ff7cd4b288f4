import { describe, expect, it } from 'vitest';
import { defineFenceAgent } from './define-fence-agent';
import { executeFence } from './execute';
import type { PowerState } from './types';

/** A device of in-memory plugs; `lazy` makes off/on claim success without acting (a mutant). */
function device(opts: { lazy?: boolean } = {}) {
  const power = new Map<string, PowerState>([
    ['web1', 'on'],
    ['web2', 'off'],
  ]);
  const calls: string[] = [];
  const agent = defineFenceAgent({
    name: 'fence_mem',
    version: '1.0.0',
    shortdesc: 'In-memory plugs',
    longdesc: 'test',
    params: { ip: { type: 'string', required: true, shortdesc: 'address' }, retries: { type: 'integer', default: 1, shortdesc: 'n' } },
    shortOptions: { ip: 'a' },
    handlers: {
      status(ctx) {
        const s = power.get(ctx.plug ?? '');
        if (!s) throw new Error(`no plug ${ctx.plug}`);
        return s;
      },
      off(ctx) {
        calls.push(`off ${ctx.plug} ip=${ctx.params.ip}`);
        if (!opts.lazy) power.set(ctx.plug ?? '', 'off');
      },
      on(ctx) {
        calls.push(`on ${ctx.plug}`);
        if (!opts.lazy) power.set(ctx.plug ?? '', 'on');
      },
      list: () => [...power].map(([plug, status]) => ({ plug, alias: `node-${plug}`, status })),
    },
  });
  let clock = 0;
  const run = async (argv: string[], stdin = '') => {
    let out = '';
    let err = '';
    const rc = await executeFence(agent, {
      argv,
      stdin: () => stdin,
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    });
    return { rc, out, err };
  };
  return { agent, power, calls, run };
}

describe('executeFence', () => {
  it('reads stdin key=value as Pacemaker sends it (port as plug, nodename apart, unknown keys warned)', async () => {
    const d = device();
    const r = await d.run([], 'action=off\nnodename=node1\nport=web1\nip=pdu\npcmk_host_list=x\n');
    expect(r).toEqual({ rc: 0, out: 'Success: Powered OFF\n', err: "WARNING: Parse error: Ignoring unknown option 'pcmk_host_list=x'\n" });
    expect(d.calls).toEqual(['off web1 ip=pdu']);
    expect(d.power.get('web1')).toBe('off');
  });

  it('reads the command line (-o status -n web2 -a pdu) and answers status with 0 (on) or 2 (off)', async () => {
    const d = device();
    expect(await d.run(['-o', 'status', '-n', 'web2', '-a', 'pdu'])).toEqual({ rc: 2, out: 'Status: OFF\n', err: '' });
    expect(await d.run(['--action=status', '--plug=web1', '--ip=pdu'])).toMatchObject({ rc: 0, out: 'Status: ON\n' });
    expect(await d.run(['-o', 'status', '-n', 'nope', '-a', 'pdu'])).toEqual({ rc: 1, out: '', err: 'ERROR: Failed: no plug nope\n' });
  });

  it('off of an already-off target succeeds without acting; reboot is off then on', async () => {
    const d = device();
    expect((await d.run(['-o', 'off', '-n', 'web2', '-a', 'x'])).out).toBe('Success: Already OFF\n');
    expect(await d.run(['-o', 'reboot', '-n', 'web1', '-a', 'x'])).toMatchObject({ rc: 0, out: 'Success: Rebooted\n' });
    expect(d.calls).toEqual(['off web1 ip=x', 'on web1']);
  });

  it('a handler that claims success without acting is caught by status: off fails after power_timeout', async () => {
    const d = device({ lazy: true });
    const r = await d.run([], 'action=off\nplug=web1\nip=x\npower_timeout=3\n');
    expect(r).toEqual({ rc: 1, out: '', err: 'ERROR: Failed: Timed out waiting to power OFF\n' });
  });

  it('list and list-status print plug,alias[,STATUS]; metadata needs no parameters', async () => {
    const d = device();
    expect((await d.run(['-o', 'list', '-a', 'x'])).out).toBe('web1,node-web1\nweb2,node-web2\n');
    expect((await d.run(['-o', 'list-status', '-a', 'x', '-C', ';'])).out).toBe('web1;node-web1;ON\nweb2;node-web2;OFF\n');
    const md = await d.run(['-o', 'metadata']);
    expect(md.rc).toBe(0);
    expect(md.out).toContain('<action name="on" automatic="0"/>');
    expect(md.out).toContain('<getopt mixed="-a, --ip=[ip]" />');
  });

  it('validate-all and every action refuse bad parameters naming them', async () => {
    const d = device();
    expect(await d.run([], 'action=validate-all\n')).toEqual({ rc: 1, out: '', err: 'ERROR: Failed: parameter ip is required\n' });
    expect(await d.run([], 'action=validate-all\nip=x\nretries=many\n')).toEqual({
      rc: 1,
      out: '',
      err: 'ERROR: Failed: parameter retries="many" is not an integer\n',
    });
    expect(await d.run([], 'action=validate-all\nip=x\n')).toEqual({ rc: 0, out: '', err: '' });
    expect((await d.run([], 'action=off\nip=x\n')).err).toBe('ERROR: Failed: action off needs a plug (plug=, port= or -n)\n');
    expect((await d.run(['-o', 'dance', '-a', 'x'])).err).toBe("ERROR: Failed: Unrecognised action 'dance'\n");
    expect((await d.run(['--bogus', '-a', 'x'])).err).toBe('ERROR: Failed: unknown option --bogus\n');
  });

  it('refuses declarations that would clash with the fence-agents interface', () => {
    const base = { version: '1', shortdesc: 's', longdesc: 'l', handlers: { status: () => 'on' as const, off: () => {} } };
    expect(() => defineFenceAgent({ ...base, name: 'mem', params: {} })).toThrow('fence agent name "mem" must match');
    expect(() => defineFenceAgent({ ...base, name: 'fence_x', params: { delay: { type: 'integer', shortdesc: 'd' } } })).toThrow(
      'parameter "delay" is a standard fence parameter',
    );
  });
});
