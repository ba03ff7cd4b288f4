import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadAgent } from '../build/bundle';
import { discoverAgents } from '../build/discover';
import { isFenceAgent } from '../fence/define-fence-agent';
import { fenceMetaData } from '../fence/metadata';
import { metaData } from '../metadata/metadata';
import { type Command, parse } from './args';
import { commandHelp } from './options';

export const metaCommand: Command = {
  summary: "print an agent's meta-data",
  help: commandHelp(
    `Usage: ocfkit meta AGENT

AGENT is an agent source (a folder with agent.ts, or the file) or a built executable; prints
its meta-data XML exactly as \`AGENT meta-data\` would.`,
    {},
  ),
  optionSets: [{ after: [], options: {} }],
  async run(argv, io) {
    const { values, positionals } = parse(argv, {});
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new Error('expected exactly one AGENT (see ocfkit meta --help)');
    if (!existsSync(target)) throw new Error(`no such agent: ${target}`);
    if (statSync(target).isFile() && !target.endsWith('.ts')) {
      // fence_* executables print their meta-data with -o metadata (RHCS), OCF agents with meta-data.
      const r = spawnSync(target, /^fence_/.test(basename(target)) ? ['-o', 'metadata'] : ['meta-data'], { encoding: 'utf8' });
      io.out(r.stdout);
      if (r.status !== 0) io.err(r.stderr);
      if (r.status === 0 && !r.stdout.trimStart().startsWith('<')) {
        io.err(`ocfkit meta: ${target} printed no meta-data XML\n`);
        return 1;
      }
      return r.status ?? 1;
    }
    const [source] = discoverAgents([target]);
    const work = mkdtempSync(join(tmpdir(), 'ocfkit-meta-'));
    try {
      const agent = await loadAgent(await import('esbuild'), source as string, work);
      io.out(isFenceAgent(agent) ? fenceMetaData(agent) : metaData(agent));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return 0;
  },
};
