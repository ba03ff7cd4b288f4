import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Grammar } from './rules';

/** Where the grammars live on Debian (resource-agents, pcs). */
export const GRAMMAR_FILES: Record<Grammar, string> = {
  dtd: '/usr/share/resource-agents/ra-api-1.dtd',
  'ra-rng': '/usr/share/resource-agents/metadata.rng',
  'ocf-1.1-rng': '/usr/share/pcs/data/ocf-1.1.rng',
};

/** Which tools would reject a document invalid against each grammar. */
export const GRAMMAR_USERS: Record<Grammar, string> = {
  dtd: 'ocf-tester would reject it (its meta-data check validates against ra-api-1.dtd)',
  'ra-rng': "resource-agents' `make check` would reject it (xmllint --relaxng metadata.rng)",
  'ocf-1.1-rng': 'pcs would reject it (it validates agents against ocf-1.1.rng)',
};

/** The outcome of one validation: valid, invalid with xmllint's first messages, or not checkable. */
export type GrammarResult = { valid: true } | { valid: false; errors: string } | { unavailable: string };

/**
 * Validates meta-data XML with xmllint against one grammar, as the tools that use it do (contract
 * §4.3). The DTD check uses `--dtdvalid`, so a missing DOCTYPE alone does not fail it.
 *
 * @example
 * validateGrammar(xml, 'ocf-1.1-rng') // { valid: true }
 */
export function validateGrammar(xml: string, grammar: Grammar): GrammarResult {
  const file = GRAMMAR_FILES[grammar];
  if (!existsSync(file)) return { unavailable: `${file} is not installed` };
  const how = grammar === 'dtd' ? ['--dtdvalid', file] : ['--relaxng', file];
  const r = spawnSync('xmllint', ['--nonet', '--path', '/usr/share/resource-agents', '--noout', ...how, '-'], {
    input: xml,
    encoding: 'utf8',
  });
  if (r.error) return { unavailable: `xmllint could not run: ${r.error.message}` };
  if (r.status === 0) return { valid: true };
  const errors = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/fails to validate|validates$/.test(l))
    .slice(0, 3)
    .map((l) => l.replace(/^-:/, 'line '))
    .join('; ');
  return { valid: false, errors: errors || `xmllint exit ${r.status}` };
}
