import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Command, parse } from './args';

export const installCommand: Command = {
  summary: 'install built agents under $DESTDIR/usr/lib/ocf/resource.d/<provider>/ (fence agents: /usr/sbin/)',
  help: `Usage: ocfkit install [options]

Copies every executable built by \`ocfkit build\` from <from>/ocf/resource.d/<provider>/ to
<destdir>/usr/lib/ocf/resource.d/<provider>/, and every fence agent from <from>/sbin/ to
<destdir>/usr/sbin/ where Pacemaker's fencer looks (mode 0755; each file replaced atomically).

Options:
      --destdir DIR     staging root (default: $DESTDIR, else /)
  -p, --provider NAME   provider to install (default: every provider that was built)
      --from DIR        build output root (default: dist)
  -h, --help            show this help
`,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        destdir: { type: 'string' },
        provider: { type: 'string', short: 'p' },
        from: { type: 'string', default: 'dist' },
      },
      false,
    );
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    const destdir = values.destdir ?? process.env.DESTDIR ?? '/';
    const root = join(values.from, 'ocf', 'resource.d');
    const sbin = join(values.from, 'sbin');
    if (!existsSync(root) && !existsSync(sbin)) throw new Error(`nothing built in ${root}: run \`ocfkit build\` first`);
    const providers = values.provider ? [values.provider] : existsSync(root) ? readdirSync(root).sort() : [];
    let count = 0;
    const dirs: [string, string][] = providers.map((p) => [join(root, p), join(destdir, 'usr', 'lib', 'ocf', 'resource.d', p)]);
    if (existsSync(sbin) && !values.provider) dirs.push([sbin, join(destdir, 'usr', 'sbin')]);
    for (const [src, dest] of dirs) {
      if (!existsSync(src)) throw new Error(`no agents built for provider "${basename(src)}" in ${src}`);
      mkdirSync(dest, { recursive: true, mode: 0o755 });
      for (const name of readdirSync(src).sort()) {
        const from = join(src, name);
        if (!statSync(from).isFile() || name.includes('.tmp-') || name === 'package.json') continue;
        const tmp = join(dest, `.${name}.tmp-${process.pid}`);
        copyFileSync(from, tmp);
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
