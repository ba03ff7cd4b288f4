import { describe, expect, it } from 'vitest';
import { main } from '../cli';
import { nodeDaemonHelpProblem } from './create-rig';

describe('the docker rig asks the checkout whether its node daemon can run the rig', () => {
  it("accepts this checkout's own `ocfkit node start --help` (wrapped as the CLI prints it)", async () => {
    let help = '';
    expect(await main(['node', 'start', '--help'], { out: (t) => (help += t), err: (t) => (help += t) })).toBe(0);
    expect(nodeDaemonHelpProblem(help)).toBeUndefined();
  });

  it('names what an older node daemon lacks', () => {
    expect(nodeDaemonHelpProblem('Usage: ocfkit node start [--state-dir DIR]\n  --controller NAME  crmd (default), none')).toMatch(
      /does not mention joining a cluster/,
    );
    expect(
      nodeDaemonHelpProblem(
        '  --config-dir DIR  ha.cf + authkeys\n  --controller NAME  simulate (default)\n                     crmd: runs agents',
      ),
    ).toMatch(/does not name crmd as the default controller/);
  });
});
