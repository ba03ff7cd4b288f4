import { findExecutable } from '@ocfkit/sdk';
import { envInterpreter } from '../runner/sandbox-path';
import type { Findings } from './findings';

/**
 * The PATH pacemaker-execd runs agents with: it passes on its own, and pacemaker.service sets
 * none, so it is systemd's default for services (Debian bookworm, systemd 252).
 */
const EXECD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function executableIn(dirs: string, name: string): string | undefined {
  return findExecutable(name, dirs.split(':'));
}

/**
 * An agent starting with `#!/usr/bin/env NAME` works under Pacemaker only if NAME is on execd's
 * PATH — a `node` from nvm or /opt is not, and then every action, probes included, fails with
 * 127 (which can end in fencing). Checks that, on this host.
 */
export function interpreterCheck(f: Findings, agentPath: string, execdPath: string = EXECD_PATH): void {
  const name = envInterpreter(agentPath);
  if (name === undefined) {
    f.check('agent.interpreter-on-path', true, 'the interpreter line names no PATH lookup (#!/usr/bin/env)');
    return;
  }
  const found = executableIn(execdPath, name);
  f.check(
    'agent.interpreter-on-path',
    found !== undefined,
    found !== undefined
      ? `#!/usr/bin/env ${name} finds ${found} on execd's PATH`
      : `#!/usr/bin/env ${name}: no ${name} on execd's PATH (${execdPath}), so Pacemaker could run no action of it; install with \`ocfkit install\` (it writes Node's absolute path) or build with --shebang auto`,
  );
}
