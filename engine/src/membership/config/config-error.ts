/**
 * A configuration file the cluster refuses to start with; the message names file:line and why.
 *
 * @example
 * throw new ConfigError('/etc/ha.d/ha.cf', 3, 'keepalive "fast" is not a time (e.g. 2, 500ms, 1.5s)');
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'ConfigError';
  }
}
