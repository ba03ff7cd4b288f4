import { describe, expect, it } from 'vitest';
import { describeFlags, isRunning, parseStateLetters } from './state-letters';

describe('state letters', () => {
  it.each([
    ['r-----', true, 'running'],
    ['-b----', true, 'running'],
    ['--p---', true, 'paused'],
    ['-bp---', true, 'paused'],
    ['---s--', false, 'shut down'],
    ['---sc-', false, 'crashed'], // xl: shutdown with reason crash
    ['----c-', false, 'crashed'], // xend: crashed flag
    ['---sr-', false, 'shut down'], // xl: rebooting (reason letter r is not "running")
    ['-----d', false, 'dying'],
    ['-b---d', false, 'dying'],
    ['------', false, 'not scheduled'],
  ])('%s → running %s (%s)', (text, running, word) => {
    const f = parseStateLetters(text);
    expect(f).toBeDefined();
    expect(isRunning(f!)).toBe(running);
    expect(describeFlags(f!)).toBe(word);
  });

  it.each(['', 'r----', 'running', 'x-----', 'r------'])('rejects %j', (text) => {
    expect(parseStateLetters(text)).toBeUndefined();
  });
});
