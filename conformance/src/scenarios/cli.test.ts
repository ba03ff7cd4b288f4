import { describe, expect, it } from 'vitest';
import type { Rig } from '../rigs/rig';
import { removeOnSignal, runRigConformance } from './cli';

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

describe('an interrupted rig run', () => {
  it('SIGINT aborts the current rig (removal) and exits 130 once it is gone; a second SIGINT exits at once', async () => {
    let release: () => void = () => undefined;
    const aborted = new Promise<void>((r) => {
      release = r;
    });
    const calls: string[] = [];
    const abort = () => {
      calls.push('abort');
      return aborted;
    };
    const rig = { kind: 'docker', abort } as unknown as Rig;
    let err = '';
    const exits: number[] = [];
    const listeners = process.listenerCount('SIGINT');
    const cleanup = removeOnSignal({ out: () => undefined, err: (t) => (err += t) }, (code) => exits.push(code));
    cleanup.current = rig;
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(calls).toEqual(['abort']);
      expect(err).toContain('SIGINT: removing the docker rig');
      await new Promise((r) => setTimeout(r, 20));
      expect(exits).toEqual([]); // still removing
      process.emit('SIGINT', 'SIGINT');
      expect(exits).toEqual([130]);
      release();
      await new Promise((r) => setTimeout(r, 20));
      expect(err).toContain('rig removed');
      expect(exits).toEqual([130, 130]);
    } finally {
      cleanup.off();
    }
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});
