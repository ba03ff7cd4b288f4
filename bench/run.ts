/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order (or those named on the command
 * line) and prints each one's table. Budgets are ratios against a baseline measured in the same
 * run, never absolute times. NODE_EXTRA_CA_CERTS is removed from the environment first: Pacemaker
 * does not give it to agents, and it adds ~60 ms to every node start.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

delete process.env.NODE_EXTRA_CA_CERTS;

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failedBudgets = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file.replace(/\.bench\.ts$/, '')} ==\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<{ withinBudget: boolean }> };
  const { withinBudget } = await mod.default();
  if (!withinBudget) failedBudgets++;
}
process.stdout.write(`\n${files.length} benchmarks, ${failedBudgets} over budget\n`);
process.exitCode = failedBudgets > 0 ? 1 : 0;
