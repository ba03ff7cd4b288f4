/**
 * The mutants: deliberately broken agents, each breaking one contract rule. `breaks` is the rule
 * that must fail; `alsoMay` lists the error rules that observe the same broken behaviour through
 * another step and may fail with it (a monitor that lies about a stopped resource is also what
 * the stop and two-instance checks look at). No other error rule may fail.
 */
interface Mutant {
  /** A shell file in this folder, or `ts/<Name>` (built with ocfkit build). */
  agent: string;
  breaks: string;
  alsoMay?: string[];
}

const STOPPED_MONITOR_OBSERVERS = ['lifecycle.stop', 'lifecycle.stop-idempotent', 'robust.kill-during-start', 'robust.two-instances'];

export const MUTANTS: readonly Mutant[] = [
  { agent: 'monitor-running-when-stopped.sh', breaks: 'lifecycle.monitor-stopped', alsoMay: STOPPED_MONITOR_OBSERVERS },
  { agent: 'probe-running-when-stopped.sh', breaks: 'lifecycle.probe-stopped', alsoMay: ['probe.binaries-hidden', 'robust.two-instances'] },
  { agent: 'start-not-idempotent.sh', breaks: 'lifecycle.start-idempotent' },
  { agent: 'stop-fails-when-stopped.sh', breaks: 'lifecycle.stop-idempotent', alsoMay: ['robust.kill-during-start'] },
  {
    agent: 'stop-leaves-running.sh',
    breaks: 'lifecycle.stop',
    alsoMay: ['lifecycle.stop-idempotent', 'probe.binaries-hidden', 'robust.kill-during-start', 'robust.two-instances'],
  },
  { agent: 'probe-6-without-binaries.sh', breaks: 'probe.binaries-hidden' },
  { agent: 'no-exit-reason.sh', breaks: 'exit-reason.present' },
  { agent: 'long-exit-reason.sh', breaks: 'exit-reason.length' },
  { agent: 'metadata-invalid.sh', breaks: 'metadata.dtd' },
  { agent: 'metadata-slow.sh', breaks: 'timing.within-advertised' },
  { agent: 'metadata-needs-root.sh', breaks: 'metadata.unprivileged' },
  { agent: 'metadata-needs-param.sh', breaks: 'metadata.exit-zero' },
  { agent: 'ignores-timeout.sh', breaks: 'timing.within-advertised' },
  { agent: 'leaks-child.sh', breaks: 'process.no-orphans' },
  { agent: 'unknown-action-0.sh', breaks: 'action.unknown' },
  { agent: 'notify-fails.sh', breaks: 'notify.zero' },
  { agent: 'validate-accepts-invalid.sh', breaks: 'validate.invalid-value' },
  { agent: 'validate-missing-0.sh', breaks: 'validate.missing-required' },
  { agent: 'kill-unsafe-start.sh', breaks: 'robust.kill-during-start' },
  { agent: 'promote-reports-unpromoted.sh', breaks: 'promotable.cycle' },
  { agent: 'shared-state.sh', breaks: 'robust.two-instances' },
  { agent: 'ts/SharedStateTs', breaks: 'robust.two-instances' },
  { agent: 'ts/LeakyStatus', breaks: 'process.no-orphans' },
  { agent: 'ts/ChattyMonitor', breaks: 'output.stdout-quiet' },
];
