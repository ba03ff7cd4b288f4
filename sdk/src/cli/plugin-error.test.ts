import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pluginLoadHint } from './plugin-error';

/** The error plain Node (not vitest's loader) gives for an `import()` of a package that is not installed. */
function importError(specifier: string): NodeJS.ErrnoException {
  const script = `import(${JSON.stringify(specifier)}).catch((e) => process.stdout.write(JSON.stringify({ code: e.code, message: e.message })))`;
  const { code, message } = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  return Object.assign(new Error(message), { code });
}

describe('the hint for a command whose package cannot be loaded', () => {
  it('names the install command when the package is not installed at all', () => {
    const err = Object.assign(
      new Error("Cannot find package '@ocfkit/conformance' imported from /p/node_modules/@ocfkit/sdk/dist/cli.js"),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    );
    expect(pluginLoadHint('@ocfkit/conformance', err)).toBe(
      '@ocfkit/conformance is not installed: run `npm install --save-dev @ocfkit/conformance`',
    );
  });

  it('names the missing dependency, not the package that needs it', () => {
    const err = Object.assign(new Error("Cannot find package '@ocfkit/engine' imported from /p/node_modules/@ocfkit/sdk/dist/cli.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(pluginLoadHint('@ocfkit/engine', err)).toBe(
      '@ocfkit/engine is not installed: run `npm install --save-dev @ocfkit/engine` (or @ocfkit/conformance, which brings it)',
    );
  });

  it('says "not built" only when the package is there and its dist file is not', () => {
    const err = Object.assign(new Error("Cannot find module '/w/conformance/dist/cli.js' imported from /w/sdk/dist/cli.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(pluginLoadHint('@ocfkit/conformance', err)).toBe(
      '@ocfkit/conformance is not built (/w/conformance/dist/cli.js is missing): run `npm run build` in the ocfkit checkout',
    );
  });

  it("reads Node's own message for a package that is not installed", () => {
    const err = importError('@ocfkit/not-a-package/cli');
    expect(pluginLoadHint('@ocfkit/not-a-package', err)).toBe(
      '@ocfkit/not-a-package is not installed: run `npm install --save-dev @ocfkit/not-a-package`',
    );
  });
});
