import { type Command, type Io, processIo, UsageError } from './args';
import { buildCommand } from './build';
import { installCommand } from './install';
import { metaCommand } from './meta';
import { newCommand } from './new';
import { pluginLoadHint } from './plugin-error';

export type { Command, Io } from './args';
export { parse, UsageError } from './args';

const BUILTIN: Record<string, Command> = {
  build: buildCommand,
  install: installCommand,
  new: newCommand,
  meta: metaCommand,
};

/** Commands provided by the other ocfkit packages, loaded only when used. */
const PLUGINS: Record<string, { pkg: string; summary: string }> = {
  exec: { pkg: '@ocfkit/engine/cli', summary: 'run one agent action through the executor (like crm_resource --force-*)' },
  engine: { pkg: '@ocfkit/engine/cli', summary: 'the bundled engine: simulate, ...' },
  attr: { pkg: '@ocfkit/engine/cli', summary: 'node attributes in the bundled attrd' },
  node: { pkg: '@ocfkit/engine/cli', summary: 'the node daemon (start) and node standby/online' },
  status: { pkg: '@ocfkit/engine/cli', summary: 'cluster status of the running node (like crm_mon)' },
  cib: { pkg: '@ocfkit/engine/cli', summary: "query, replace and patch the node's CIB (like cibadmin)" },
  resource: { pkg: '@ocfkit/engine/cli', summary: 'move, ban, clear, start, stop, restart, clean up resources (like crm_resource)' },
  fence: { pkg: '@ocfkit/engine/cli', summary: 'fence a node with fence devices (stonith:) of a CIB; fencing history' },
  conformance: { pkg: '@ocfkit/conformance/cli', summary: 'check agents against the OCF contract' },
};

function overview(): string {
  const lines = ['Usage: ocfkit <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(BUILTIN)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  for (const [name, p] of Object.entries(PLUGINS)) lines.push(`  ${name.padEnd(12)} ${p.summary}`);
  lines.push('', 'Run `ocfkit <command> --help` for the options of a command.', '');
  return lines.join('\n');
}

async function plugin(name: string): Promise<Command | undefined> {
  const p = PLUGINS[name];
  if (!p) return undefined;
  let mod: { commands?: Record<string, Command> };
  try {
    mod = (await import(p.pkg)) as typeof mod;
  } catch (err) {
    const pkg = p.pkg.replace(/\/cli$/, '');
    const hint = pluginLoadHint(pkg, err as NodeJS.ErrnoException);
    throw new Error(`command "${name}" needs ${pkg}: ${hint}`);
  }
  const cmd = mod.commands?.[name];
  if (!cmd) throw new Error(`${p.pkg} does not provide the "${name}" command yet`);
  return cmd;
}

/**
 * The `ocfkit` command line. Returns the exit code; only `bin/ocfkit.js` exits.
 *
 * @example
 * process.exitCode = await main(['build', '--provider', 'acme', 'agents']);
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out('0.1.0\n');
    return 0;
  }
  try {
    const cmd = BUILTIN[name] ?? (await plugin(name));
    if (!cmd) {
      io.err(`ocfkit: unknown command "${name}"\n\n${overview()}`);
      return 2;
    }
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`ocfkit ${name}: ${err.message}\nRun \`ocfkit ${name} --help\` for usage.\n`);
      return 2;
    }
    io.err(`ocfkit ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}
