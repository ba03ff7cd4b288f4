import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    build: 'src/build/index.ts',
    cli: 'src/cli/index.ts',
    xml: 'src/metadata/xml.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // Declarations for what agent code and its tests import; the CLI and build entries are tools.
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', xml: 'src/metadata/xml.ts' } },
  // esbuild is an optional peer: the CLI package (@ocfkit/conformance) brings it.
  external: ['esbuild'],
});
