import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nodeShebang, replaceEnvNode } from '../build/interpreter';
import { type Command, parse, UsageError } from './args';
import { pinCommonJs } from './module-type';
import { commandHelp, type OptionSpecs } from './options';

const OPTIONS = {
  destdir: { type: 'string', value: 'DIR', defaultText: '$DESTDIR, else /', description: 'staging root' },
  provider: { type: 'string', short: 'p', value: 'NAME', defaultText: 'every provider that was built', description: 'provider to install' },
  from: { type: 'string', value: 'DIR', default: 'dist', description: 'build output root' },
  shebang: {
    type: 'string',
    value: 'WHAT',
    default: 'auto',
    description:
      'auto: this Node\'s absolute path; keep: the built line; or a "#!..." line of your own for agents built with #!/usr/bin/env node',
  },
} as const satisfies OptionSpecs;

export const installCommand: Command = {
  summary: 'install built agents under $DESTDIR/usr/lib/ocf/resource.d/<provider>/ (fence agents: /usr/sbin/)',
  help: commandHelp(
    `Usage: ocfkit install [options]

Copies every executable built by \`ocfkit build\` from <from>/ocf/resource.d/<provider>/ to
<destdir>/usr/lib/ocf/resource.d/<provider>/, and every fence agent from <from>/sbin/ to
<destdir>/usr/sbin/ where Pacemaker's fencer looks (mode 0755; each file replaced atomically).
An agent built with the default \`#!/usr/bin/env node\` gets the absolute path of the Node running
ocfkit instead (checked to satisfy >= 20): Pacemaker runs agents with execd's PATH, which may not
hold \`node\`, and then every action fails, probes included.`,
    OPTIONS,
  ),
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const { values } = parse(argv, OPTIONS, false);
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    if (values.provider !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.provider))
      throw new UsageError(`--provider must be a provider name, got ${JSON.stringify(values.provider)}`);
    if (values.shebang !== 'auto' && values.shebang !== 'keep' && !/^#![^\r\n\0]+$/.test(values.shebang))
      throw new UsageError(`--shebang must be auto, keep or one "#!..." line, got ${JSON.stringify(values.shebang)}`);
    const destdir = values.destdir ?? process.env.DESTDIR ?? '/';
    let shebang: string | undefined;
    const interpreter = (): string | undefined => {
      if (values.shebang === 'keep') return undefined;
      if (shebang === undefined) {
        shebang = values.shebang === 'auto' ? nodeShebang() : values.shebang;
        io.err(`interpreter: ${shebang}\n`);
      }
      return shebang;
    };
    const root = join(values.from, 'ocf', 'resource.d');
    const sbin = join(values.from, 'sbin');
    if (!existsSync(root) && !existsSync(sbin)) throw new Error(`nothing built in ${root}: run \`ocfkit build\` first`);
    const providers = values.provider ? [values.provider] : existsSync(root) ? readdirSync(root).sort() : [];
    let count = 0;
    const ocf = join(destdir, 'usr', 'lib', 'ocf');
    const dirs: [string, string, string][] = providers.map((p) => [join(root, p), join(ocf, 'resource.d', p), ocf]);
    if (existsSync(sbin) && !values.provider) dirs.push([sbin, join(destdir, 'usr', 'sbin'), join(destdir, 'usr', 'sbin')]);
    for (const [src, dest, pinAt] of dirs) {
      if (!existsSync(src)) throw new Error(`no agents built for provider "${basename(src)}" in ${src}`);
      mkdirSync(dest, { recursive: true, mode: 0o755 });
      const pinned = pinCommonJs(dest, pinAt);
      if (pinned) io.err(`wrote ${pinned}: the staging tree is inside an ESM package, and the agents are CommonJS\n`);
      for (const name of readdirSync(src).sort()) {
        const from = join(src, name);
        if (!statSync(from).isFile() || name.includes('.tmp-') || name === 'package.json') continue;
        const tmp = join(dest, `.${name}.tmp-${process.pid}`);
        const text = readFileSync(from, 'latin1');
        const line = text.startsWith('#!/usr/bin/env node\n') ? interpreter() : undefined;
        writeFileSync(tmp, line ? replaceEnvNode(text, line) : text, { encoding: 'latin1', mode: 0o755 });
        chmodSync(tmp, 0o755);
        renameSync(tmp, join(dest, name));
        io.err(`installed ${join(dest, name)}\n`);
        count++;
      }
    }
    if (count === 0) throw new Error(`no agents found under ${root}`);
    return 0;
  },
};
