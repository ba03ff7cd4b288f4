import type { ParamSpecs } from '../params/types';
import { standardParams } from './standard-params';
import type { FenceAgent, FenceAgentSpec } from './types';

const NAME = /^fence_[A-Za-z0-9_.-]+$/;
const PARAM = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Declares a fence agent (the RHCS/fence-agents interface Pacemaker's `stonith:` class runs).
 * From this come the meta-data XML, `-o reboot -n node --ip=...` and stdin `key=value` parsing,
 * `validate-all`, the power-state verification after `on`/`off`, and the exit codes.
 *
 * @example
 * export default defineFenceAgent({
 *   name: 'fence_acme', version: '1.0.0', shortdesc: 'Fence ACME PDUs', longdesc: '...',
 *   params: { ip: { type: 'string', required: true, shortdesc: 'PDU address' } },
 *   shortOptions: { ip: 'a' },
 *   handlers: { status: (ctx) => pdu(ctx).state(ctx.plug!), off: (ctx) => pdu(ctx).off(ctx.plug!), on: ... },
 * });
 */
export function defineFenceAgent<const P extends ParamSpecs>(spec: FenceAgentSpec<P>): FenceAgent<P> {
  if (!NAME.test(spec.name)) throw new TypeError(`fence agent name ${JSON.stringify(spec.name)} must match ${NAME}`);
  const std = standardParams(spec.plug ?? true);
  for (const [name, p] of Object.entries(spec.params)) {
    if (!PARAM.test(name)) throw new TypeError(`fence agent ${spec.name}: parameter name ${JSON.stringify(name)} must match ${PARAM}`);
    if (name in std)
      throw new TypeError(`fence agent ${spec.name}: parameter "${name}" is a standard fence parameter; the SDK declares it`);
    if (name.startsWith('pcmk_')) throw new TypeError(`fence agent ${spec.name}: parameter "${name}": pcmk_* names belong to Pacemaker`);
    if (p.type === 'select' && p.options.length === 0)
      throw new TypeError(`fence agent ${spec.name}: select parameter "${name}" needs options`);
  }
  const h = spec.handlers;
  const actions = [
    ...(h.on ? ['on'] : []),
    'off',
    'reboot',
    'status',
    ...(h.list ? ['list', 'list-status'] : []),
    'monitor',
    'metadata',
    'validate-all',
  ];
  return Object.freeze({
    ...spec,
    kind: 'fence' as const,
    allParams: Object.freeze({ ...std, ...spec.params }),
    supportedActions: Object.freeze(actions),
  });
}

/** Whether a module's default export is a fence agent. */
export function isFenceAgent(value: unknown): value is FenceAgent {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'fence';
}
