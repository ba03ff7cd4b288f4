import { type Rule, ruleById, type Severity } from './rules';

/** One observation about a rule: it held, it did not, or it could not be checked (and why). */
export interface Finding {
  ok: boolean | 'skip';
  message: string;
  /** A failure that is only a recommendation, even under an error-level rule (`warn()`). */
  warning?: true;
}

/** The verdict on one rule after the whole run. */
export interface RuleResult extends Rule {
  status: 'passed' | 'failed' | 'skipped';
  /** The failures (or, when skipped, the reasons; when passed, what was exercised). */
  findings: Finding[];
}

/**
 * Collects findings per rule while checks run and turns them into verdicts: a rule fails if any
 * finding failed, passes if at least one held and none failed, and is skipped otherwise.
 *
 * @example
 * const f = new Findings();
 * f.check('action.unknown', r.rc === 3, `unknown action returned ${r.rc}`);
 * f.results(); // [{ id: 'action.unknown', status: 'passed', ... }, ...]
 */
export class Findings {
  private readonly byRule = new Map<string, Finding[]>();
  private readonly severities = new Map<string, Severity>();
  /** Called after each finding, for progress output. */
  onFinding?: (ruleId: string, finding: Finding) => void;

  /** Records that `ok` held (or not) for rule `id`, with a message naming what was seen. */
  check(id: string, ok: boolean, message: string): boolean {
    this.add(id, { ok, message });
    return ok;
  }

  /**
   * Records a failure of rule `id` that is only a recommendation (an OCF 1.0 code where 1.1
   * recommends another): the rule fails as a warning unless another finding fails it outright.
   */
  warn(id: string, message: string): void {
    this.add(id, { ok: false, message, warning: true });
  }

  /** Records that rule `id` could not be checked here, and why. */
  skip(id: string, reason: string): void {
    this.add(id, { ok: 'skip', message: reason });
  }

  /** Whether rule `id` has any finding yet (passed, failed or skipped). */
  has(id: string): boolean {
    return (this.byRule.get(id)?.length ?? 0) > 0;
  }

  /** Overrides a rule's severity for this run (the meta-data grammars depend on the claimed version). */
  setSeverity(id: string, severity: Severity): void {
    ruleById(id);
    this.severities.set(id, severity);
  }

  private add(id: string, finding: Finding): void {
    ruleById(id);
    const list = this.byRule.get(id) ?? [];
    list.push(finding);
    this.byRule.set(id, list);
    this.onFinding?.(id, finding);
  }

  /** The verdict on every rule in `rules`, in that order. */
  results(rules: readonly Rule[]): RuleResult[] {
    return rules.map((rule) => {
      const all = this.byRule.get(rule.id) ?? [];
      const failed = all.filter((f) => f.ok === false);
      const held = all.filter((f) => f.ok === true);
      const severity = this.severities.get(rule.id) ?? rule.severity;
      if (failed.length > 0) {
        const onlyWarnings = failed.every((f) => f.warning === true);
        return { ...rule, severity: onlyWarnings ? 'warning' : severity, status: 'failed', findings: failed };
      }
      if (held.length > 0) return { ...rule, severity, status: 'passed', findings: held };
      const reasons = all.length > 0 ? all : [{ ok: 'skip' as const, message: 'not exercised' }];
      return { ...rule, severity, status: 'skipped', findings: dedupe(reasons) };
    });
  }
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    if (seen.has(f.message)) return false;
    seen.add(f.message);
    return true;
  });
}
