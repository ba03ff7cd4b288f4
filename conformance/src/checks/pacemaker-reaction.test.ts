import { describe, expect, it } from 'vitest';
import { pacemakerReaction } from './pacemaker-reaction';

describe('pacemakerReaction', () => {
  it('names the consequence of each wrong code (contract §1.4, §2.3)', () => {
    expect(pacemakerReaction('monitor', true, 6)).toBe('fatal: Pacemaker bans the resource from every node');
    expect(pacemakerReaction('monitor', true, 5)).toMatch(/^masked/);
    expect(pacemakerReaction('monitor', true, 1)).toMatch(/^soft failure/);
    expect(pacemakerReaction('stop', false, 1)).toMatch(/fence the node/);
    expect(pacemakerReaction('start', false, 1)).toMatch(/start-failure-is-fatal/);
    expect(pacemakerReaction('start', false, 2)).toMatch(/start-failure-is-fatal/);
    expect(pacemakerReaction('promote', false, 2)).toMatch(/^hard failure/);
    expect(pacemakerReaction('validate-all', false, 0, [6])).toMatch(/passes crm_resource --validate/);
    expect(pacemakerReaction('validate-all', false, 6)).toBe('crm_resource --validate and pcs reject these parameters');
    // a missing required parameter reported as 1 is not "a configuration that is fine"
    expect(pacemakerReaction('validate-all', false, 1, [6])).toMatch(/^a configuration error reported as 1: .*soft failure/);
    expect(pacemakerReaction('ocfkit-no-such-action', false, 0)).toMatch(/takes the action as done/);
  });
});
