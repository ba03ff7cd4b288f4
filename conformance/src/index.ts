/**
 * @ocfkit/conformance — the OCF contract checks for any agent, with reports.
 *
 * @example
 * import { resolveTarget, runSuite } from '@ocfkit/conformance';
 * const report = await runSuite(resolveTarget('ocf:heartbeat:Dummy'), { params: { state: '/tmp/d.state' } });
 */
export type { Finding, RuleResult } from './checks/findings';
export { GRAMMAR_FILES, GRAMMAR_USERS, type GrammarResult, validateGrammar } from './checks/grammars';
export { type MetaData, parseMetaData } from './checks/metadata-model';
export { type Grammar, grammarSeverity, RULES, type Rule, ruleById, type Severity } from './checks/rules';
export { deriveSecond, type SecondInstance } from './checks/second-instance';
export { type AgentConfig, loadAgentConfig, missingRequirement } from './config/agent-config';
export { PROFILES, type Profile, type ProfileName, profileByName } from './profiles/profiles';
export { formatJson } from './report/json';
export { formatJunit } from './report/junit';
export { closingLine, formatText, progressLine } from './report/text';
export { type AgentOutcome, runConfiguredAgent } from './run-agent';
export { createNetns, type NetnsRig } from './runner/netns';
export { type OpSummary, runSuite, type SuiteOptions, type SuiteReport } from './suite';
export { type AgentTarget, resolveTarget } from './target';
