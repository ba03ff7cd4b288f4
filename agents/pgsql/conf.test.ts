import { describe, expect, it } from 'vitest';
import { confParam } from './conf';

describe('confParam', () => {
  it('reads quoted and bare values, the last assignment winning', () => {
    const text = [
      "#unix_socket_directories = '/var/run/postgresql'",
      "unix_socket_directories = '/run/a, /run/b'   # two",
      'port 5433',
      'PORT = 5434 # later wins',
      "listen_addresses='it''s'",
      "data_directory = 'a\\'b'",
    ].join('\n');
    expect(confParam(text, 'unix_socket_directories')).toBe('/run/a, /run/b');
    expect(confParam(text, 'port')).toBe('5434');
    expect(confParam(text, 'listen_addresses')).toBe("it's");
    expect(confParam(text, 'data_directory')).toBe("a'b");
  });

  it('ignores comments, other names, empty and unterminated values', () => {
    const text = "# port = 1\nports = 2\nport =\nport = 'x\nunix_socket_directoriesX = '/y'";
    expect(confParam(text, 'port')).toBeUndefined();
    expect(confParam(text, 'unix_socket_directories')).toBeUndefined();
    expect(confParam("unix_socket_directories = ''", 'unix_socket_directories')).toBe('');
  });
});
