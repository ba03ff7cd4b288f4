import { parseDuration } from '../params/duration';
import type { ParamSpec, ParamSpecs } from '../params/types';
import { parseOcfBoolean } from '../params/words';
import { longOption, STANDARD_SHORT } from './standard-params';
import type { FenceAgent } from './types';

/** What an invocation asked for, before conversion: raw texts by parameter name. */
export interface RawInput {
  raw: Record<string, string>;
  nodename?: string;
  help: boolean;
  version: boolean;
  /** Ignored input, reported as fence-agents does ("Parse error: Ignoring unknown option ..."). */
  warnings: string[];
  errors: string[];
}

/**
 * Reads the command line the fence-agents way (`-o reboot -n node1 --ip=10.0.0.1 --ssl`). Short
 * options are the standard ones (`-o`, `-n`, ...) and `shortOptions`; long ones are the
 * parameter names with `-` for `_` (the `_` spelling is accepted too).
 *
 * @example
 * parseArgv(agent, ['-o', 'status', '-n', 'web1']).raw // { action: 'status', plug: 'web1' }
 */
export function parseArgv(agent: FenceAgent, argv: readonly string[]): RawInput {
  const out: RawInput = { raw: {}, help: false, version: false, warnings: [], errors: [] };
  const byShort = new Map<string, string>();
  const byLong = new Map<string, string>();
  for (const name of Object.keys(agent.allParams)) {
    const short = STANDARD_SHORT[name] ?? (agent.shortOptions as Record<string, string> | undefined)?.[name];
    if (short && !byShort.has(short)) byShort.set(short, name === 'port' ? 'plug' : name);
    byLong.set(longOption(name), name === 'port' ? 'plug' : name);
    byLong.set(name, name === 'port' ? 'plug' : name);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (arg === '-V' || arg === '--version') {
      out.version = true;
      continue;
    }
    let name: string | undefined;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      name = byLong.get(key);
      if (eq >= 0) value = arg.slice(eq + 1);
      if (!name) {
        out.errors.push(`unknown option --${key}`);
        continue;
      }
    } else if (/^-[A-Za-z]/.test(arg)) {
      name = byShort.get(arg[1] as string);
      if (arg.length > 2) value = arg.slice(2);
      if (!name) {
        out.errors.push(`unknown option ${arg.slice(0, 2)}`);
        continue;
      }
    } else {
      out.errors.push(`unexpected argument ${JSON.stringify(arg)}`);
      continue;
    }
    const spec = agent.allParams[name] as ParamSpec;
    if (spec.type === 'boolean' && value === undefined) {
      out.raw[name] = '1';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) {
        out.errors.push(`option for ${name} needs a value`);
        continue;
      }
    }
    out.raw[name] = value;
  }
  return out;
}

/**
 * Reads `key=value` lines from stdin, as Pacemaker passes them. `port` is read as `plug`,
 * `nodename` is kept apart, `#` lines are comments, unknown keys are ignored with a warning
 * (Pacemaker passes keys an agent may not know).
 *
 * @example
 * parseStdin(agent, 'action=off\nnodename=node2\nplug=web2\n').raw // { action: 'off', plug: 'web2' }
 */
export function parseStdin(agent: FenceAgent, text: string): RawInput {
  const out: RawInput = { raw: {}, help: false, version: false, warnings: [], errors: [] };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      out.warnings.push(`Parse error: Ignoring unknown option '${line}'`);
      continue;
    }
    let key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1);
    if (key === 'nodename') {
      out.nodename = value;
      continue;
    }
    if (key === 'option') key = 'action'; // the historical spelling fence-agents still accepts
    if (key === 'port' && 'plug' in agent.allParams) key = 'plug';
    if (!(key in agent.allParams)) {
      out.warnings.push(`Parse error: Ignoring unknown option '${line}'`);
      continue;
    }
    out.raw[key] = value;
  }
  return out;
}

/** Converts one raw text by its declaration; an error names the parameter and the value. */
function convertParam(name: string, spec: ParamSpec, text: string): { value?: unknown; error?: string } {
  const bad = (what: string) => ({ error: `parameter ${name}=${JSON.stringify(text)} is not ${what}` });
  switch (spec.type) {
    case 'string':
      if (spec.pattern && !new RegExp(spec.pattern).test(text)) return bad(`matching /${spec.pattern}/`);
      if (spec.nonEmpty && text === '') return bad('a non-empty string');
      return { value: text };
    case 'select':
      return spec.options.includes(text) ? { value: text } : bad(`one of ${spec.options.join(', ')}`);
    case 'integer': {
      if (!/^\s*[-+]?\d+\s*$/.test(text)) return bad('an integer');
      const n = Number.parseInt(text, 10);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        return bad(`between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}`);
      }
      return { value: n };
    }
    case 'boolean': {
      const b = parseOcfBoolean(text.trim()) ?? parseOcfBoolean(text.trim().toLowerCase());
      return b === undefined ? bad('a boolean (1/0, yes/no, true/false, on/off)') : { value: b };
    }
    case 'duration': {
      const ms = parseDuration(text.trim());
      return ms === undefined ? bad('a duration') : { value: ms };
    }
  }
}

/** Actions that address no particular target. */
export const TARGETLESS = new Set(['list', 'list-status', 'monitor', 'metadata', 'manpage', 'validate-all']);

/**
 * Converts and checks the raw input against the agent's declaration: types, required device
 * parameters, and a plug for actions on a target. Defaults fill what is absent.
 */
export function resolveParams(agent: FenceAgent, input: RawInput): { values: Record<string, unknown>; errors: string[] } {
  const values: Record<string, unknown> = {};
  const errors = [...input.errors];
  const action = input.raw.action ?? 'reboot';
  for (const [name, spec] of Object.entries(agent.allParams as ParamSpecs)) {
    if (name === 'port') continue;
    const text = input.raw[name];
    if (text === undefined || text === '') {
      if (spec.default !== undefined) values[name] = spec.type === 'duration' ? parseDuration(spec.default) : spec.default;
      else if (spec.required && name !== 'plug' && action !== 'metadata' && action !== 'manpage')
        errors.push(`parameter ${name} is required`);
      continue;
    }
    const c = convertParam(name, spec, text);
    if (c.error) errors.push(c.error);
    else values[name] = c.value;
  }
  if ('plug' in agent.allParams && !TARGETLESS.has(action) && values.plug === undefined) {
    errors.push(`action ${action} needs a plug (plug=, port= or -n)`);
  }
  return { values, errors };
}
