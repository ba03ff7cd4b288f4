import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

const at = () => new Date(2026, 10, 22, 4, 5, 6);

describe('createLogger', () => {
  it('writes to stderr when no log file or facility is configured, debug only with HA_debug', () => {
    const lines: string[] = [];
    const log = createLogger({ env: {}, tag: 'T(i)[1]', writeStderr: (t) => lines.push(t), now: at });
    log.info('hello');
    log.debug('hidden');
    expect(lines).toEqual(['Nov 22 04:05:06 INFO: hello\n']);
    const debugLines: string[] = [];
    createLogger({ env: { HA_debug: '1' }, tag: 'T', writeStderr: (t) => debugLines.push(t), now: at }).debug('shown');
    expect(debugLines).toEqual(['Nov 22 04:05:06 DEBUG: shown\n']);
  });

  it('appends to HA_LOGFILE with the ocf_log tag format and keeps stderr clean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-log-'));
    try {
      const file = join(dir, 'ha.log');
      const lines: string[] = [];
      const log = createLogger({ env: { HA_LOGFILE: file }, tag: 'Dummy(d1)[42]', writeStderr: (t) => lines.push(t), now: at });
      log.warn('careful');
      log.error('broken');
      expect(readFileSync(file, 'utf8')).toBe(
        'Nov 22 04:05:06 Dummy(d1)[42]:    WARNING: careful\nNov 22 04:05:06 Dummy(d1)[42]:    ERROR: broken\n',
      );
      expect(lines).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('traces only with OCF_TRACE_RA', () => {
    const lines: string[] = [];
    createLogger({ env: {}, tag: 'T', writeStderr: (t) => lines.push(t) }).trace('x');
    createLogger({ env: { OCF_TRACE_RA: '1' }, tag: 'T', writeStderr: (t) => lines.push(t) }).trace('y');
    expect(lines).toEqual(['+ T y\n']);
  });
});
