import { accessSync, chmodSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The interpreter `#!/usr/bin/env NAME` asks for, if the agent starts that way.
 *
 * @example
 * envInterpreter('agents/dist/ocf/resource.d/ocfkit/Dummy') // 'node'
 */
export function envInterpreter(agentPath: string): string | undefined {
  const buf = Buffer.alloc(256);
  let n = 0;
  try {
    const fd = openSync(agentPath, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const head = buf.toString('latin1', 0, n).split('\n')[0] ?? '';
  const m = /^#!\s*\S*\/env\s+(?:-S\s+)?([A-Za-z0-9_.+-]+)/.exec(head);
  return m?.[1];
}

/** Where a command is on the current PATH. */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = join(dir || '.', name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A directory to use as PATH when the agent's binaries must look absent (ocf-tester's
 * `OCF_TESTER_FAIL_HAVE_BINARY` case): it holds only the interpreter an `env` shebang needs
 * (`node` for ocfkit agents), nothing else. Call `remove()` when done.
 *
 * @example
 * const sb = sandboxPath('/usr/lib/ocf/resource.d/ocfkit/Dummy'); // sb.dir contains only `node`
 */
export function sandboxPath(agentPath: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-conformance-path-'));
  chmodSync(root, 0o755); // the unprivileged meta-data run must reach it
  const dir = join(root, 'bin');
  mkdirSync(dir, { mode: 0o755 });
  const interp = envInterpreter(agentPath);
  if (interp !== undefined) {
    const target = interp === 'node' ? process.execPath : which(interp);
    if (target !== undefined) symlinkSync(target, join(dir, interp));
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
