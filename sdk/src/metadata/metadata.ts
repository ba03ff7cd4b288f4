import type { ActionTiming, Agent } from '../define-agent';
import type { ParamSpec, ParamSpecs } from '../params/types';
import { attrs, escapeXml } from './xml';

const DEFAULT_TIMING: Record<string, ActionTiming> = {
  start: { timeout: '20s' },
  stop: { timeout: '20s' },
  monitor: { timeout: '20s', interval: '10s', depth: 0 },
  promote: { timeout: '20s' },
  demote: { timeout: '20s' },
  notify: { timeout: '5s' },
  'reload-agent': { timeout: '20s' },
  migrate_to: { timeout: '20s' },
  migrate_from: { timeout: '20s' },
  'validate-all': { timeout: '20s' },
  'meta-data': { timeout: '5s' },
};

/** The timing entries advertised for one action (monitor may have several). */
function actionTimings(agent: Agent<ParamSpecs>, action: string): ActionTiming[] {
  const key = action === 'reload' ? 'reload-agent' : action;
  const declared = (agent.timing as Record<string, ActionTiming | readonly ActionTiming[] | undefined> | undefined)?.[key];
  const base = DEFAULT_TIMING[key] ?? { timeout: '20s' };
  if (declared === undefined) {
    if (key === 'monitor' && agent.actions.promote) {
      // Promotable agents need distinct intervals per role (Pacemaker rejects equal ones).
      return [
        { ...base, role: 'Promoted', interval: '9s' },
        { ...base, role: 'Unpromoted', interval: '10s' },
      ];
    }
    return [base];
  }
  const list = Array.isArray(declared) ? declared : [declared as ActionTiming];
  return list.map((t) => ({ ...base, ...t }));
}

function defaultText(spec: ParamSpec): string | undefined {
  if (spec.default === undefined) return undefined;
  if (spec.type === 'boolean') return spec.default ? 'true' : 'false';
  return String(spec.default);
}

function contentType(spec: ParamSpec, portable: boolean): string {
  if (spec.type === 'integer' || spec.type === 'boolean') return spec.type;
  if (spec.type === 'select' && !portable) return 'select';
  return 'string';
}

function parameterXml(name: string, spec: ParamSpec, portable: boolean): string {
  const lines: string[] = [];
  lines.push(
    `<parameter${attrs([
      ['name', name],
      ['unique', spec.unique ? 1 : 0],
      ['required', spec.required ? 1 : 0],
      ...(portable
        ? []
        : ([
            ['unique-group', spec.uniqueGroup],
            ['reloadable', spec.reloadable ? 1 : undefined],
          ] as const)),
    ])}>`,
  );
  if (!portable && spec.deprecated) {
    const d = spec.deprecated === true ? {} : spec.deprecated;
    if (d.replacedWith === undefined && d.desc === undefined) lines.push('<deprecated/>');
    else {
      lines.push('<deprecated>');
      if (d.replacedWith !== undefined) lines.push(`<replaced-with${attrs([['name', d.replacedWith]])}/>`);
      if (d.desc !== undefined) lines.push(`<desc lang="en">${escapeXml(d.desc)}</desc>`);
      lines.push('</deprecated>');
    }
  }
  let longdesc = spec.longdesc ?? spec.shortdesc;
  if (portable && spec.deprecated) longdesc = `Deprecated. ${longdesc}`;
  if (portable && spec.type === 'select') longdesc = `${longdesc} One of: ${spec.options.join(', ')}.`;
  if (spec.type === 'duration') longdesc = `${longdesc} A duration: 20s, 2min, 500ms, or bare seconds.`;
  lines.push(`<longdesc lang="en">${escapeXml(longdesc)}</longdesc>`);
  lines.push(`<shortdesc lang="en">${escapeXml(spec.shortdesc)}</shortdesc>`);
  const type = contentType(spec, portable);
  const content = `<content${attrs([
    ['type', type],
    ['default', defaultText(spec)],
  ])}`;
  if (type === 'select' && spec.type === 'select') {
    lines.push(`${content}>`);
    for (const o of spec.options) lines.push(`<option${attrs([['value', o]])}/>`);
    lines.push('</content>');
  } else lines.push(`${content}/>`);
  lines.push('</parameter>');
  return lines.join('\n');
}

/**
 * Where an `ocf-1.1` agent says which parameters are private: `<special tag="ocfkit">` holding a
 * `<parameter name=".." private="1"/>` for each. Pacemaker's own marker, `private="1"` on the
 * `<parameter>` itself, is in no grammar: pcs validates every agent against its OCF 1.0/1.1 RelaxNG
 * and refuses one that carries it, while both grammars accept any content in `<special>`. The
 * bundled engine reads both places. `portable` meta-data can carry neither (ra-api-1.dtd has no
 * `<special>` and no `private`): there the engine only hides parameters named like a secret.
 */
function privateSection(agent: Agent<ParamSpecs>, portable: boolean): string[] {
  const names = Object.entries(agent.params)
    .filter(([, spec]) => spec.private)
    .map(([name]) => name);
  if (portable || names.length === 0) return [];
  return [
    '<special tag="ocfkit">',
    ...names.map(
      (name) =>
        `<parameter${attrs([
          ['name', name],
          ['private', 1],
        ])}/>`,
    ),
    '</special>',
  ];
}

/**
 * Renders an agent's meta-data. Deterministic byte for byte; needs no parameters, no root and no
 * binaries. `portable` meta-data passes ra-api-1.dtd (ocf-tester), resource-agents' metadata.rng
 * and the OCF 1.1 RelaxNG; `ocf-1.1` uses the 1.1 vocabulary (reload-agent, reloadable,
 * unique-group, select, deprecated) and passes the 1.1 RelaxNG only.
 *
 * @example
 * process.stdout.write(metaData(agent));
 */
export function metaData(agent: Agent<ParamSpecs>): string {
  const portable = agent.metadata === 'portable';
  const out: string[] = ['<?xml version="1.0"?>'];
  if (portable) out.push('<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">');
  out.push(
    `<resource-agent${attrs([
      ['name', agent.name],
      ['version', agent.version],
    ])}>`,
  );
  // Legacy `reload` semantics need <version> below 1.1 (contract §1.5).
  out.push(`<version>${portable ? '1.0' : '1.1'}</version>`);
  out.push(`<longdesc lang="en">${escapeXml(agent.longdesc)}</longdesc>`);
  out.push(`<shortdesc lang="en">${escapeXml(agent.shortdesc)}</shortdesc>`);
  out.push('<parameters>');
  for (const [name, spec] of Object.entries(agent.params)) out.push(parameterXml(name, spec, portable));
  out.push('</parameters>');
  out.push('<actions>');
  for (const action of agent.supportedActions) {
    for (const t of actionTimings(agent, action)) {
      out.push(
        `<action${attrs([
          ['name', action],
          ['timeout', t.timeout],
          ['interval', t.interval],
          ['depth', t.depth],
          ['role', t.role],
          ['start-delay', t.startDelay],
        ])}/>`,
      );
    }
  }
  out.push('</actions>');
  out.push(...privateSection(agent, portable));
  out.push('</resource-agent>');
  return `${out.join('\n')}\n`;
}

/** One usage line listing the supported actions, as shell agents print it. */
export function usage(agent: Agent<ParamSpecs>): string {
  return `usage: ${agent.name} {${[...agent.supportedActions, 'usage'].join('|')}}\n`;
}
