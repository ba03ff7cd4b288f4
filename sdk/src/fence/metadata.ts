import { attrs, escapeXml } from '../metadata/xml';
import type { ParamSpec, ParamSpecs } from '../params/types';
import { longOption, STANDARD_SHORT } from './standard-params';
import type { FenceAgent } from './types';

function getopt(name: string, spec: ParamSpec, short: string | undefined): string {
  const arg = spec.type === 'boolean' ? '' : `=[${name === 'plug' || name === 'port' ? 'id' : name}]`;
  const long = name === 'port' ? 'plug' : longOption(name);
  return `${short ? `-${short}, ` : ''}--${long}${arg}`;
}

function contentType(spec: ParamSpec): string {
  if (spec.type === 'duration') return 'second';
  return spec.type;
}

function defaultText(spec: ParamSpec): string | undefined {
  if (spec.default === undefined) return undefined;
  if (spec.type === 'boolean') return spec.default ? '1' : '0';
  return String(spec.default);
}

function parameter(agent: FenceAgent, name: string, spec: ParamSpec): string {
  const short = STANDARD_SHORT[name] ?? (agent.shortOptions as Record<string, string> | undefined)?.[name];
  const deprecated = spec.deprecated !== undefined && spec.deprecated !== false;
  const obsoletes = name === 'plug' ? 'port' : undefined;
  const lines = [
    `\t<parameter${attrs([
      ['name', name],
      ['unique', spec.unique ? 1 : 0],
      ['required', spec.required ? 1 : 0],
      ['deprecated', deprecated ? 1 : undefined],
      ['obsoletes', obsoletes],
    ])}>`,
    `\t\t<getopt mixed="${escapeXml(getopt(name, spec, short))}" />`,
  ];
  const dflt = defaultText(spec);
  if (spec.type === 'select') {
    lines.push(`\t\t<content type="select"${attrs([['default', dflt]])} >`);
    for (const o of spec.options) lines.push(`\t\t\t<option value="${escapeXml(o)}" />`);
    lines.push('\t\t</content>');
  } else {
    lines.push(
      `\t\t<content${attrs([
        ['type', contentType(spec)],
        ['default', dflt],
      ])} />`,
    );
  }
  lines.push(`\t\t<shortdesc lang="en">${escapeXml(spec.shortdesc)}</shortdesc>`, '\t</parameter>');
  return lines.join('\n');
}

/**
 * The agent's RHCS meta-data, in the shape fence-agents prints and Pacemaker
 * (`stonith_admin --metadata`, `crm_resource --show-metadata stonith:...`) and pcs read.
 *
 * @example
 * fenceMetaData(agent).startsWith('<?xml version="1.0" ?>\n<resource-agent name="fence_ocfkit_docker"') // true
 */
export function fenceMetaData(agent: FenceAgent): string {
  const params: ParamSpecs = agent.allParams;
  const out = [
    '<?xml version="1.0" ?>',
    `<resource-agent${attrs([
      ['name', agent.name],
      ['shortdesc', agent.shortdesc],
    ])} >`,
    `<longdesc>${escapeXml(agent.longdesc)}</longdesc>`,
    `<vendor-url>${escapeXml(agent.vendorUrl ?? '')}</vendor-url>`,
    '<parameters>',
    ...Object.entries(params).map(([n, s]) => parameter(agent, n, s)),
    '</parameters>',
    '<actions>',
    ...agent.supportedActions.map((a) => (a === 'on' ? '\t<action name="on" automatic="0"/>' : `\t<action name="${a}" />`)),
    '</actions>',
    '</resource-agent>',
    '',
  ];
  return out.join('\n');
}
