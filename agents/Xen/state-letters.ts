/**
 * The six-letter domain state column of `xl list` and `xm list`, read by position.
 *
 * xl (tools/xl/xl_info.c, list_domains; xl(1) "list"): r running, b blocked, p paused,
 * s shutdown, then the shutdown reason letter from "-rscwS" (poweroff, reboot, suspend,
 * crash, watchdog, soft reset), then d dying. A crashed, preserved domain reads `---sc-`.
 * xm/xend (XendDomainInfo state string): r b p s c d, one letter per flag, so a crashed
 * domain reads `----c-`. Position matters: the fifth column of `---sr-` is a reboot reason,
 * not "running".
 */
export interface DomainFlags {
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  crashed: boolean;
  dying: boolean;
}

/**
 * Parses a state column such as `-b----`; undefined when it is not six state letters.
 *
 * @example
 * parseStateLetters('---sc-') // { shutdown: true, crashed: true, ... }
 */
export function parseStateLetters(text: string): DomainFlags | undefined {
  const s = text.trim();
  if (!/^[r-][b-][p-][s-][-rscwS?][d-]$/.test(s)) return undefined;
  return {
    running: s[0] === 'r',
    blocked: s[1] === 'b',
    paused: s[2] === 'p',
    shutdown: s[3] === 's',
    crashed: s[4] === 'c',
    dying: s[5] === 'd',
  };
}

/**
 * Running means r, b or p and none of s, c, d (contract §7.4, the `[-r][-b][-p]---` rule).
 *
 * @example
 * isRunning(parseStateLetters('--p---')!) // true: a paused guest still runs here
 */
export function isRunning(f: DomainFlags): boolean {
  return (f.running || f.blocked || f.paused) && !f.shutdown && !f.crashed && !f.dying;
}

/**
 * A short word for logs and exit reasons.
 *
 * @example
 * describeFlags(parseStateLetters('---sc-')!) // 'crashed'
 */
export function describeFlags(f: DomainFlags): string {
  if (f.dying) return 'dying';
  if (f.crashed) return 'crashed';
  if (f.shutdown) return 'shut down';
  if (f.paused) return 'paused';
  if (f.running || f.blocked) return 'running';
  return 'not scheduled';
}
