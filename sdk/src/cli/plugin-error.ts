/**
 * What to tell a user whose `ocfkit <command>` lives in a package that could not be loaded: the
 * package that is missing (it may be a dependency of the one the command needs) and the command
 * that installs it, or that a package in a checkout was not built yet.
 */
export function pluginLoadHint(pkg: string, err: NodeJS.ErrnoException): string {
  if (err.code !== 'ERR_MODULE_NOT_FOUND') return err.message;
  const missing = /Cannot find package '([^']+)'/.exec(err.message)?.[1];
  if (missing) {
    const brings = missing === '@ocfkit/engine' ? ' (or @ocfkit/conformance, which brings it)' : '';
    return `${missing} is not installed: run \`npm install --save-dev ${missing}\`${brings}`;
  }
  const file = /Cannot find module '([^']+)'/.exec(err.message)?.[1];
  if (file && /\/dist\/[^/]+\.js$/.test(file)) {
    return `${pkg} is not built (${file} is missing): run \`npm run build\` in the ocfkit checkout`;
  }
  return err.message;
}
