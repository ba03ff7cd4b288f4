import { relative } from 'node:path';
import { buildAgent } from '../build/bundle';
import { discoverAgents } from '../build/discover';
import { nodeShebang } from '../build/interpreter';
import { type Command, parse, UsageError } from './args';
import { commandHelp, type OptionSpecs } from './options';

const OPTIONS = {
  out: { type: 'string', short: 'o', value: 'DIR', default: 'dist', description: 'output root' },
  provider: { type: 'string', short: 'p', value: 'NAME', default: 'local', description: 'OCF provider directory' },
  shebang: {
    type: 'string',
    value: 'LINE',
    defaultText: '#!/usr/bin/env node',
    description: 'interpreter line; "auto": the absolute path of the Node running ocfkit, checked to satisfy >= 20',
  },
  'no-minify': { type: 'boolean', description: 'keep the output readable' },
} as const satisfies OptionSpecs;

export const buildCommand: Command = {
  summary: 'build agents into self-contained OCF executables',
  help: commandHelp(
    `Usage: ocfkit build [options] [PATH...]

Builds each agent (a folder with agent.ts, a folder of such folders, or an agent file; default: .)
into one executable file: <out>/ocf/resource.d/<provider>/<Name>, mode 0755, with a shebang and
no dependency on node_modules.`,
    OPTIONS,
  ),
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(values.provider)) throw new Error(`invalid provider name ${JSON.stringify(values.provider)}`);
    if (values.shebang === 'auto') values.shebang = nodeShebang();
    if (values.shebang !== undefined && !/^#![^\r\n\0]+$/.test(values.shebang))
      throw new UsageError(`--shebang must be "auto" or one "#!..." line, got ${JSON.stringify(values.shebang)}`);
    const sources = discoverAgents(positionals.length > 0 ? positionals : ['.']);
    for (const [i, source] of sources.entries()) {
      const started = Date.now();
      const built = await buildAgent(source, {
        out: values.out,
        provider: values.provider,
        ...(values.shebang ? { shebang: values.shebang } : {}),
        minify: !values['no-minify'],
      });
      io.err(
        `[${i + 1}/${sources.length}] ${built.name}: ${relative(process.cwd(), built.output)} (${(built.bytes / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)\n`,
      );
    }
    return 0;
  },
};
