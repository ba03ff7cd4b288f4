import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createHaLog } from './ha-log';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-halog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = () => new Date(2026, 11, 6, 9, 5, 7);

describe('createHaLog', () => {
  test('HA_LOGFILE gets the agents HA format; decisions and results carry the transition number', async () => {
    const file = join(dir, 'ha.log');
    let stderr = '';
    const log = createHaLog({ component: 'node', env: { HA_LOGFILE: file }, now, writeStderr: (t) => (stderr += t) });
    log.info('node n1 up');
    log.child('controller').decision(3, 'start ip on n1');
    log.child('controller').result(3, 'ip_start_0 on n1: error (boom)', true);
    log.debug('hidden without HA_debug');
    await log.close();
    const tag = `ocfkit-node[${process.pid}]`;
    const ctl = `ocfkit-controller[${process.pid}]`;
    expect(readFileSync(file, 'utf8')).toBe(
      [
        `Dec 06 09:05:07 ${tag}:    INFO: node n1 up`,
        `Dec 06 09:05:07 ${ctl}:    INFO: Transition 3: start ip on n1`,
        `Dec 06 09:05:07 ${ctl}:    WARNING: Transition 3: ip_start_0 on n1: error (boom)`,
        '',
      ].join('\n'),
    );
    expect(stderr).toBe('');
  });

  test('without HA_LOGFILE or HA_LOGFACILITY lines go to stderr; HA_debug shows debug lines', async () => {
    let stderr = '';
    const log = createHaLog({ component: 'node', env: { HA_debug: '1' }, now, writeStderr: (t) => (stderr += t) });
    log.debug('probe');
    log.error('bad');
    await log.close();
    expect(stderr).toBe(
      `Dec 06 09:05:07 ocfkit-node[${process.pid}]: DEBUG: probe\nDec 06 09:05:07 ocfkit-node[${process.pid}]: ERROR: bad\n`,
    );
  });
});
