import { join } from 'node:path';
import { openCopy, openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { describe } from 'vitest';
import { describeConformance } from '../src/vitest';

// A copy every user can reach: meta-data runs as nobody, and the checkout may be mode 0700.
const mutants = openCopy(join(import.meta.dirname, 'mutants'));
const dir = openTempDir('ocfkit-vitest-helper-');
const missing = requireTool(['xmllint', 'setpriv'], () => (process.getuid?.() === 0 ? undefined : 'needs root'));

describe.skipIf(missing)('describeConformance', () => {
  describeConformance(join(mutants, 'good.sh'), { params: { state: join(dir, 'good.state') }, invalid: { count: 'x' } });
  describeConformance(join(mutants, 'start-not-idempotent.sh'), {
    params: { state: join(dir, 'sni.state') },
    expectFailing: ['lifecycle.start-idempotent'],
  });
  // the same agent driven by a conformance.json (its state file goes to the per-run TMP directory)
  describeConformance(join(mutants, 'good.sh'), { config: join(import.meta.dirname, 'fixtures', 'good-conformance.json') });
});
