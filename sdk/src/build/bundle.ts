import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Agent } from '../define-agent';
import { isFenceAgent } from '../fence/define-fence-agent';
import type { FenceAgent } from '../fence/types';
import { sdkEntry } from './sdk-entry';
import { standaloneValidator } from './standalone';
import { WARM_RUNNABLE_MARKER } from './warm-marker';

/** The result of building one agent. */
export interface BuiltAgent {
  name: string;
  source: string;
  output: string;
  bytes: number;
}

export interface BuildOptions {
  /** Output root; the executable lands in `<out>/ocf/resource.d/<provider>/<Name>`. */
  out: string;
  provider: string;
  /** Interpreter line; default `#!/usr/bin/env node`. */
  shebang?: string;
  minify?: boolean;
}

type Esbuild = typeof import('esbuild');

/**
 * ajv itself stays out of the executable: a built agent always has its standalone validator.
 * That validator may require small ajv runtime helpers (`ajv/dist/runtime/ucs2length` for
 * `minLength`, `equal` for `const`, ...): those are bundled, resolved from the SDK's own ajv since
 * the validator is written to a temporary directory with no node_modules above it.
 */
const ajvExternal = {
  name: 'ocfkit-ajv-external',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /^ajv$/ }, () => ({ path: 'ajv', external: true }));
    build.onResolve({ filter: /^ajv\/dist\/runtime\// }, (args) => ({ path: createRequire(import.meta.url).resolve(args.path) }));
  },
};

/**
 * Native addons (`.node`) cannot be inlined into one file. Dependencies that load one optionally
 * (ssh2's crypto binding under dockerode) catch the failed require and fall back to JS.
 */
const nativeExternal = {
  name: 'ocfkit-native-external',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
  },
};

function commonOptions(source: string): import('esbuild').BuildOptions {
  return {
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    alias: { '@ocfkit/sdk': sdkEntry() },
    logLevel: 'silent',
    legalComments: 'none',
  };
}

/** Loads an agent module from TS source (bundled to a temporary ESM file) to read its declaration. */
export async function loadAgent(esbuild: Esbuild, source: string, work: string): Promise<Agent | FenceAgent> {
  // CommonJS like the executable itself, so CommonJS dependencies (dockerode) load as they will there.
  const file = join(work, 'probe.cjs');
  await esbuild.build({ ...commonOptions(source), format: 'cjs', outfile: file, plugins: [ajvExternal, nativeExternal] });
  const mod = createRequire(import.meta.url)(file) as { default?: Agent };
  const agent = mod.default;
  if (isFenceAgent(agent)) return agent;
  if (!agent || typeof agent !== 'object' || !('schema' in agent) || !('supportedActions' in agent)) {
    throw new Error(`${source}: the default export is not an agent (export default defineAgent({...}) or defineFenceAgent({...}))`);
  }
  return agent;
}

/**
 * Builds one agent into a single self-contained CommonJS executable: the agent, the SDK runtime
 * and ajv's standalone validator for its parameters, with a shebang and mode 0755. CommonJS on
 * purpose: an extensionless ESM file can silently do nothing on Node 20 (nodejs/node#61104).
 */
export async function buildAgent(source: string, options: BuildOptions): Promise<BuiltAgent> {
  const esbuild = await import('esbuild');
  const work = mkdtempSync(join(tmpdir(), 'ocfkit-build-'));
  try {
    const agent = await loadAgent(esbuild, source, work);
    const entry = join(work, 'entry.ts');
    let output: string;
    if (isFenceAgent(agent)) {
      // Fence agents live where Pacemaker's fencer looks for them: <out>/sbin → /usr/sbin.
      writeFileSync(
        entry,
        `import agent from ${JSON.stringify(source)};\nimport { runFenceAgent } from '@ocfkit/sdk';\nrunFenceAgent(agent);\n`,
      );
      output = join(options.out, 'sbin', agent.name);
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(join(options.out, 'sbin', 'package.json'), '{ "type": "commonjs" }\n');
    } else {
      const validator = join(work, 'validate.cjs');
      writeFileSync(validator, standaloneValidator(agent.schema));
      writeFileSync(
        entry,
        [
          `import agent from ${JSON.stringify(source)};`,
          `import validate from ${JSON.stringify(validator)};`,
          `import { run } from '@ocfkit/sdk';`,
          'run(agent, { validate });',
          '',
        ].join('\n'),
      );
      output = join(options.out, 'ocf', 'resource.d', options.provider, agent.name);
      mkdirSync(dirname(output), { recursive: true });
      // The executables are CommonJS without an extension; an enclosing "type": "module" package
      // would make Node read them as ESM, so pin the module type for the whole output tree.
      writeFileSync(join(options.out, 'ocf', 'package.json'), '{ "type": "commonjs" }\n');
    }
    const tmp = `${output}.tmp-${process.pid}`;
    const result = await esbuild.build({
      ...commonOptions(entry),
      format: 'cjs',
      outfile: tmp,
      minify: options.minify ?? true,
      // The marker line only for OCF agents: the executor's warm runner (fence agents run under the fencer).
      banner: {
        js: `${options.shebang ?? '#!/usr/bin/env node'}\n// ${agent.name} ${agent.version}, built by ocfkit${isFenceAgent(agent) ? '' : `\n${WARM_RUNNABLE_MARKER}`}`,
      },
      plugins: [ajvExternal, nativeExternal],
      metafile: true,
    });
    chmodSync(tmp, 0o755);
    renameSync(tmp, output);
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    return { name: agent.name, source, output, bytes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
