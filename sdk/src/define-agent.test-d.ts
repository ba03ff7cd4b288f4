import { describe, expectTypeOf, it } from 'vitest';
import { defineAgent } from './define-agent';

describe('ctx.params types', () => {
  it('derives each parameter type from its declaration', () => {
    defineAgent({
      name: 'T',
      version: '1',
      shortdesc: 's',
      longdesc: 'l',
      params: {
        ip: { type: 'string', shortdesc: 'ip', required: true },
        nic: { type: 'string', shortdesc: 'nic' },
        port: { type: 'integer', shortdesc: 'port', default: 1 },
        on: { type: 'boolean', shortdesc: 'on', default: false },
        mode: { type: 'select', shortdesc: 'mode', options: ['fast', 'smart'], default: 'fast' },
        wait: { type: 'duration', shortdesc: 'wait' },
      },
      status(ctx) {
        expectTypeOf(ctx.params.ip).toEqualTypeOf<string>();
        expectTypeOf(ctx.params.nic).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.params.port).toEqualTypeOf<number>();
        expectTypeOf(ctx.params.on).toEqualTypeOf<boolean>();
        expectTypeOf(ctx.params.mode).toEqualTypeOf<'fast' | 'smart'>();
        expectTypeOf(ctx.params.wait).toEqualTypeOf<number | undefined>();
        // @ts-expect-error no such parameter
        ctx.params.ipp;
        // @ts-expect-error a string is not a number
        const n: number = ctx.params.ip;
        void n;
        return 'stopped';
      },
      actions: { start: () => {}, stop: () => {} },
    });
  });

  it('rejects a select default outside its options', () => {
    defineAgent({
      name: 'T',
      version: '1',
      shortdesc: 's',
      longdesc: 'l',
      params: {
        // @ts-expect-error 'slow' is not an option
        mode: { type: 'select', shortdesc: 'mode', options: ['fast', 'smart'], default: 'slow' },
      },
      status: () => 'stopped',
      actions: { start: () => {}, stop: () => {} },
    });
  });

  it('rejects a default of the wrong type', () => {
    defineAgent({
      name: 'T',
      version: '1',
      shortdesc: 's',
      longdesc: 'l',
      params: {
        // @ts-expect-error an integer default must be a number
        port: { type: 'integer', shortdesc: 'port', default: '5432' },
      },
      status: () => 'stopped',
      actions: { start: () => {}, stop: () => {} },
    });
  });
});
