import { describe, expect, it } from 'vitest';
import { runRigConformance } from './cli';

const io = { out: () => undefined, err: () => undefined };

describe('ocfkit conformance --rig (arguments, before any rig is made)', () => {
  it('takes two rigs comma-separated and refuses a third', async () => {
    await expect(runRigConformance(['--rig', 'docker,pacemaker,local', '--scenario', 'seed'], io)).rejects.toThrow(
      '--rig: give one rig, or two for a side-by-side table',
    );
    await expect(runRigConformance(['--rig', 'docker,podman', '--scenario', 'seed'], io)).rejects.toThrow(
      '--rig "podman": expected pacemaker, docker, local',
    );
  });

  it('names a --net that is not two octets', async () => {
    await expect(runRigConformance(['--rig', 'docker', '--scenario', 'seed', '--net', '10.2.3'], io)).rejects.toThrow(
      'rig net "10.2.3" must be the first two octets of the rig\'s subnets, e.g. 10.230',
    );
  });

  it('documents --net and two rigs in --help', async () => {
    let out = '';
    await runRigConformance(['--help'], { out: (t) => (out += t), err: () => undefined });
    expect(out).toContain('--net A.B');
    expect(out).toContain('--rig docker,pacemaker');
  });
});
