import { runAction } from '@ocfkit/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import Xen from '../agent';
import { parseListTable } from '../xl-list';
import { sandbox, type XenSandbox } from './double';

let xen: XenSandbox | undefined;
afterEach(() => xen?.cleanup());

describe('allow_mem_management', () => {
  it('shares host memory minus reserved_Dom0_memory among running guests on start and stop', async () => {
    xen = sandbox('xl', ['localhost'], { XEN_DOUBLE_TOTAL_MB: '4608', XEN_DOUBLE_DOM0_MB: '512' });
    const mem = () =>
      Object.fromEntries(
        parseListTable(xen!.run('xl', ['list']).stdout)
          .filter((r) => r.id !== 0)
          .map((r) => [r.name, r.memMB]),
      );
    const a = { params: { xmfile: xen.config('a', 'name = "a"\nmemory = 256\n'), allow_mem_management: 'true' }, env: xen.env() };
    const b = { params: { xmfile: xen.config('b', 'name = "b"\nmemory = 256\n'), allow_mem_management: 'yes' }, env: xen.env() };
    expect((await runAction(Xen, 'start', a)).rc).toBe(0);
    expect(mem()).toEqual({ a: 4096 });
    expect((await runAction(Xen, 'start', b)).rc).toBe(0);
    expect(mem()).toEqual({ a: 2048, b: 2048 });
    expect((await runAction(Xen, 'stop', b)).rc).toBe(0);
    expect(mem()).toEqual({ a: 4096 });
  });

  it('off by default: the config file memory is used', async () => {
    xen = sandbox('xl');
    expect((await runAction(Xen, 'start', { params: { xmfile: xen.config('c', 'name = "c"\nmemory = 384\n') }, env: xen.env() })).rc).toBe(
      0,
    );
    expect(parseListTable(xen.run('xl', ['list', 'c']).stdout)[0]?.memMB).toBe(384);
  });
});
