// vitest setup (vitest.config.ts): after each test file, remove the temporary directories its
// openCopy/openTempDir calls made. vitest ends its workers with a signal, so their exit hook never
// removes them, and every run used to leave a handful in /tmp.
import { afterAll } from 'vitest';
import { removeTempDirs } from '../src/testing/open-copy';

afterAll(removeTempDirs);
