import { describe, expect, it } from 'vitest';
import { Findings } from './findings';
import { ruleById } from './rules';

const rules = [ruleById('action.unknown'), ruleById('notify.zero'), ruleById('metadata.dtd'), ruleById('robust.two-instances')];

describe('Findings', () => {
  it('fails a rule on any failed finding, passes on held ones, skips with the reasons otherwise', () => {
    const f = new Findings();
    f.check('action.unknown', true, 'a');
    f.check('action.unknown', false, 'b');
    f.check('notify.zero', true, 'c');
    f.skip('robust.two-instances', 'why');
    f.skip('robust.two-instances', 'why');
    f.setSeverity('metadata.dtd', 'error');
    const out = f.results(rules).map((r) => [r.id, r.status, r.severity, r.findings.map((x) => x.message)]);
    expect(out).toEqual([
      ['action.unknown', 'failed', 'error', ['b']],
      ['notify.zero', 'passed', 'error', ['c']],
      ['metadata.dtd', 'skipped', 'error', ['not exercised']],
      ['robust.two-instances', 'skipped', 'error', ['why']],
    ]);
  });

  it('rejects unknown rule ids', () => {
    expect(() => new Findings().check('no.such-rule', true, 'x')).toThrow('unknown conformance rule "no.such-rule"');
  });
});
