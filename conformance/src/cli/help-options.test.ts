import { commands as engineCommands } from '@ocfkit/engine/cli';
import { commands as sdkCommands } from '@ocfkit/sdk/cli';
import { describe, expect, it } from 'vitest';
import { commands, main } from './index';

const all = { ...sdkCommands, ...engineCommands, ...commands };

async function ocfkit(...argv: string[]) {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

interface Listed {
  spellings: string[];
  /** The value name after the option, when it takes one. */
  value?: string;
}

/** The options an "Options:" section of a help lists: `-o, --out DIR` → -o and --out, value DIR. */
function listedOptions(help: string): Listed[] {
  const listed: Listed[] = [];
  let inside = false;
  for (const line of help.split('\n')) {
    if (line === 'Options:') inside = true;
    else if (line === '') inside = false;
    else if (inside) {
      const m = /^ {2}(?:(-\w), | {4})(--[\w-]+)(?: (\S+))?/.exec(line);
      if (m) listed.push({ spellings: [m[1], m[2]].filter((s): s is string => s !== undefined), ...(m[3] ? { value: m[3] } : {}) });
    }
  }
  return listed;
}

describe("every command's --help is generated from the options it parses", () => {
  it('lists every option each parser accepts, with its alias, in the help of the command', async () => {
    for (const [name, command] of Object.entries(all)) {
      expect(command.optionSets.length, name).toBeGreaterThan(0);
      for (const set of command.optionSets) {
        const help = await ocfkit(name, ...set.after, '--help');
        expect(help.rc, `${name} ${set.after.join(' ')} --help`).toBe(0);
        const listed = listedOptions(help.out).flatMap((l) => l.spellings);
        for (const [option, spec] of Object.entries(set.options)) {
          expect(listed, `ocfkit ${name} ${set.after.join(' ')} --help lists --${option}`).toContain(`--${option}`);
          if (spec.short) expect(listed, `ocfkit ${name} --help lists -${spec.short}`).toContain(`-${spec.short}`);
        }
        expect(listed).toEqual(expect.arrayContaining(['-h', '--help']));
      }
    }
  });

  it('lists nothing in an options section that the command parser rejects', async () => {
    let probed = 0;
    for (const [name, command] of Object.entries(all)) {
      const helps = await Promise.all([[], ...command.optionSets.map((s) => s.after)].map((after) => ocfkit(name, ...after, '--help')));
      for (const { spelling, value } of helps.flatMap((h) =>
        listedOptions(h.out).flatMap((l) => l.spellings.map((spelling) => ({ spelling, value: l.value }))),
      )) {
        // Accepted by one of the command's parsers: `--help` after it then prints help, exit 0.
        const results = await Promise.all(
          command.optionSets.map((s) => ocfkit(name, ...s.after, spelling, ...(value ? [value] : []), '--help')),
        );
        expect(
          results.some((r) => r.rc === 0),
          `ocfkit ${name} ${spelling}${value ? ` ${value}` : ''} is refused: ${results.map((r) => r.err.split('\n')[0]).join(' | ')}`,
        ).toBe(true);
        probed++;
      }
    }
    expect(probed).toBeGreaterThan(100);
  });

  it('would notice an option the parser rejects (the probe can fail)', async () => {
    const r = await ocfkit('build', '--no-such-option', '--help');
    expect(r.rc).toBe(2);
    expect(r.err).toMatch(/^ocfkit build: Unknown option '--no-such-option'/);
    expect(listedOptions('Options:\n  -o, --out DIR  output root\n      --json       JSON\n')).toEqual([
      { spellings: ['-o', '--out'], value: 'DIR' },
      { spellings: ['--json'] },
    ]);
  });

  it("shows the parser's defaults", async () => {
    const build = await ocfkit('build', '--help');
    expect(build.out).toMatch(/^ {2}-o, --out DIR +output root \(default: dist\)$/m);
    const exec = await ocfkit('exec', '--help');
    expect(exec.out).toMatch(/^ {2}-p, --param NAME=VALUE +an instance parameter \(OCF_RESKEY_NAME\) \(repeatable\)$/m);
  });
});
