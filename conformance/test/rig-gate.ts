import { spawnSync } from 'node:child_process';
import { requireTool } from '@ocfkit/sdk/testing';

/** The rig image the rig tests run (build-image.sh tags it; .ci/setup-services builds or loads it). */
const RIG_IMAGE = process.env.OCFKIT_RIG_IMAGE ?? 'ocfkit-rig:latest';
/** Prefix of every container, network and volume the rig tests create. */
export const RIG_PREFIX = process.env.OCFKIT_RIG_PROJECT ?? 'ocfkit-rig-test';

/**
 * Why the rig tests cannot run here, or undefined when they can. They run unless
 * OCFKIT_RIG_TESTS=0 (a developer without Docker); a missing dockerd, root or image is a skip
 * outside CI and a failure under CI=true (requireTool).
 */
export function rigTestsMissing(): string | true | undefined {
  if (process.env.OCFKIT_RIG_TESTS === '0') {
    process.stderr.write('skipping the pacemaker rig tests: OCFKIT_RIG_TESTS=0\n');
    return true;
  }
  return requireTool(['docker', 'nsenter', 'openssl'], () => {
    if (process.getuid?.() !== 0) return 'needs root (docker, nsenter for the disk fault)';
    if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) return 'dockerd does not answer (docker info)';
    if (spawnSync('docker', ['image', 'inspect', RIG_IMAGE], { stdio: 'ignore' }).status !== 0)
      return `no rig image ${RIG_IMAGE} (npm run rig:image, or .ci/setup-services)`;
    return undefined;
  });
}

/** Progress of a rig test on stderr (vitest shows it as the test runs). */
export const rigLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
