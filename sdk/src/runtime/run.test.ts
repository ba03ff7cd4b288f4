import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';
import { describe, expect, it } from 'vitest';
import { isTerminal } from './run';

describe('isTerminal', () => {
  it.each([
    ['/dev/null', 'r'],
    ['/etc/hostname', 'r'],
    ['/proc/self/status', 'r'],
    ['/dev/ptmx', 'r+'], // a new pseudo-terminal master: a terminal
  ])('agrees with tty.isatty for %s', (path, flags) => {
    const fd = openSync(path, flags);
    try {
      expect(isTerminal(fd)).toBe(isatty(fd));
    } finally {
      closeSync(fd);
    }
  });

  it('sees the pseudo-terminal as one', () => {
    const fd = openSync('/dev/ptmx', 'r+');
    try {
      expect(isTerminal(fd)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});
