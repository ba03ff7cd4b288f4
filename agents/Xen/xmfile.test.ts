import { describe, expect, it } from 'vitest';
import { nameFromConfig } from './xmfile';

describe('nameFromConfig', () => {
  it.each([
    ['name = "web1"', 'web1'],
    ["name='web1'", 'web1'],
    ['name=web1', 'web1'],
    ['  name   =   "db-2"   # the database', 'db-2'],
    ['memory = 512\nname = "x"\nname = "y"', 'x'],
  ])('%j → %s', (text, name) => {
    expect(nameFromConfig(text)).toBe(name);
  });

  it.each([['name = "vm-%d"'], ['name = "two words"'], ['name = ""'], ['hostname = "web1"'], ['# name = "web1"'], ['memory = 512']])(
    '%j → none (the resource id is used)',
    (text) => {
      expect(nameFromConfig(text)).toBeUndefined();
    },
  );
});
