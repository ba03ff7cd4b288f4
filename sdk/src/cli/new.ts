import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Command, parse } from './args';
import { commandHelp, type OptionSpecs } from './options';
import { agentTemplate } from './template';

const OPTIONS = {
  dir: { type: 'string', short: 'd', value: 'DIR', default: '.', description: 'parent directory' },
} as const satisfies OptionSpecs;

export const newCommand: Command = {
  summary: 'scaffold a new agent',
  help: commandHelp(
    `Usage: ocfkit new [options] NAME

Creates NAME/agent.ts: a complete agent that builds and passes ocf-tester as generated.
NAME becomes the agent's type (its file name under resource.d/<provider>/).`,
    OPTIONS,
  ),
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    const [name] = positionals;
    if (!name || positionals.length > 1) throw new Error('expected exactly one NAME (see ocfkit new --help)');
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      throw new Error(`invalid agent name ${JSON.stringify(name)}: use letters, digits, "_" and "-", starting with a letter`);
    }
    const dir = join(values.dir, name);
    const file = join(dir, 'agent.ts');
    if (existsSync(file)) throw new Error(`${file} already exists; not overwriting it`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, agentTemplate(name));
    io.err(`created ${relative(process.cwd(), file) || file}\nnext: ocfkit build ${relative(process.cwd(), dir) || dir}\n`);
    return 0;
  },
};
