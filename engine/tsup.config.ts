import { defineConfig } from 'tsup';

export default defineConfig({
  // member-worker: the membership thread's module (src/node/cluster.ts starts it beside itself)
  entry: { index: 'src/index.ts', cli: 'src/cli/index.ts', 'member-worker': 'src/node/cluster-member-worker.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  dts: false,
});
