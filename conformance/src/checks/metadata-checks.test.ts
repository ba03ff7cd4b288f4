import { describe, expect, it } from 'vitest';
import type { OpRecord } from '../runner/agent-runner';
import { Findings } from './findings';
import { deterministic, firstDifference } from './metadata-checks';
import { RULES } from './rules';

const DOC = '<resource-agent name="x">\n<version>1.0</version>\n</resource-agent>\n';

function again(rc: number, execStatus: 'done' | 'timeout', stdout: string, stderr = ''): OpRecord {
  return {
    label: 'meta-data again',
    action: 'meta-data',
    instance: 'a',
    probe: false,
    killed: false,
    leftovers: [],
    result: {
      rsc: 'a',
      action: 'meta-data',
      intervalMs: 0,
      callId: 2,
      rc,
      execStatus,
      durationMs: 15_000,
      queueMs: 0,
      stdout,
      stderr,
      truncated: false,
      startedAt: 0,
      finishedAt: 15_000,
    },
  };
}

function verdict(rec: OpRecord): { status: string; message: string } {
  const findings = new Findings();
  deterministic({ findings }, rec, DOC);
  const r = findings.results(RULES).find((x) => x.id === 'metadata.deterministic');
  return { status: r?.status ?? 'missing', message: r?.findings.map((f) => f.message).join(' | ') ?? '' };
}

describe('metadata.deterministic compares documents, not failures', () => {
  it('a second run killed at its timeout is a timing matter, not "a different document (0 vs N bytes)"', () => {
    expect(verdict(again(1, 'timeout', ''))).toEqual({
      status: 'skipped',
      message: expect.stringMatching(
        /^meta-data again returned 1 \(OCF_ERR_GENERIC, timeout\): nothing to compare \(timing\.within-advertised judges the timeout\)$/,
      ),
    });
  });

  it('a second run that exits 0 with nothing says so, with what it printed on stderr', () => {
    expect(verdict(again(0, 'done', '', 'bash: fork: Cannot allocate memory\n'))).toEqual({
      status: 'failed',
      message:
        'meta-data again returned 0 (OCF_SUCCESS) with 0 bytes on stdout (stderr: "bash: fork: Cannot allocate memory"); the first run printed the document',
    });
  });

  it('a different document names the first line that differs', () => {
    expect(verdict(again(0, 'done', DOC.replace('1.0', '1.1')))).toEqual({
      status: 'failed',
      message: `a second run printed a different document (${DOC.length} vs ${DOC.length} bytes); first difference at line 2: "<version>1.0</version>" vs "<version>1.1</version>"`,
    });
    expect(verdict(again(0, 'done', DOC)).status).toBe('passed');
    expect(firstDifference('a\nb', 'a')).toBe('; first difference at line 2: "b" vs "(end)"');
  });
});
