/**
 * Mutant (TypeScript, ocfkit SDK): breaks robust.two-instances — status(), start and stop use one
 * fixed file whatever the instance or its `state` parameter, so two instances see each other.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { defineAgent } from '@ocfkit/sdk';

const SHARED = '/tmp/ocfkit-conformance-mutant-shared-ts.state';

export default defineAgent({
  name: 'SharedStateTs',
  version: '0.1.0',
  shortdesc: 'conformance mutant',
  longdesc: 'Ignores its instance: every instance shares one state file.',
  metadata: 'portable',
  params: { state: { type: 'string', shortdesc: 'State file', longdesc: 'Declared unique, then ignored.', unique: true, pattern: '^/' } },
  status: () => (existsSync(SHARED) ? 'running' : 'stopped'),
  actions: {
    start() {
      writeFileSync(SHARED, 'x\n');
    },
    stop() {
      rmSync(SHARED, { force: true });
    },
  },
});
