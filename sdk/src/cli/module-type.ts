import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest package.json at or above `dir` (the one Node consults for a file in `dir`). */
function nearestPackageJson(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, 'package.json');
    if (existsSync(file)) return file;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Built agents are extensionless CommonJS files. Node reads such a file as ESM when the nearest
 * package.json says `"type": "module"` — as it does when `--destdir` stages into a directory of an
 * ESM project — and every action then dies with "require is not defined". When that is the case
 * for `dir`, writes `{ "type": "commonjs" }` into `pinAt` (an ancestor of `dir`) and returns its path.
 */
export function pinCommonJs(dir: string, pinAt: string): string | undefined {
  const found = nearestPackageJson(dir);
  if (!found) return undefined;
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(found, 'utf8')) as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  if (type !== 'module') return undefined;
  const file = join(pinAt, 'package.json');
  writeFileSync(file, '{ "type": "commonjs" }\n', { mode: 0o644 });
  return file;
}
