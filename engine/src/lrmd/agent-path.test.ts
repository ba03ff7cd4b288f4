import { expect, test } from 'vitest';
import { checkAgentName, checkSearchPath, findAgent } from './agent-path';

test('the first directory holding provider/type wins', () => {
  const fixtures = new URL('../../test/fixtures/ocf/resource.d', import.meta.url).pathname;
  expect(findAgent(['/nonexistent', fixtures], 'ocfkit-test', 'scripted')).toBe(`${fixtures}/ocfkit-test/scripted`);
  expect(findAgent([fixtures], 'ocfkit-test', 'absent')).toBeUndefined();
});

test('names and search paths are checked', () => {
  expect(() => checkAgentName('type', '../sh')).toThrow('invalid agent type "../sh"');
  expect(() => checkAgentName('provider', '')).toThrow('invalid agent provider ""');
  expect(() => checkAgentName('type', 'IPaddr2')).not.toThrow();
  expect(() => checkSearchPath(['dist/ocf/resource.d'])).toThrow('searchPath entry "dist/ocf/resource.d" must be absolute');
});
