import type { ParamSpecs } from '../params/types';

/**
 * The parameters every fence agent accepts, with fence-agents' names and defaults, so Pacemaker
 * and `pcs stonith create` treat an SDK agent like any fence_* agent.
 */
export function standardParams(plug: boolean): ParamSpecs {
  return {
    action: { type: 'string', required: true, default: 'reboot', shortdesc: 'Fencing action' },
    ...(plug
      ? {
          plug: { type: 'string', required: true, shortdesc: 'Physical plug number on device, UUID or identification of machine' },
          port: {
            type: 'string',
            required: true,
            deprecated: { replacedWith: 'plug' },
            shortdesc: 'Physical plug number on device, UUID or identification of machine',
          },
        }
      : {}),
    delay: { type: 'integer', default: 0, min: 0, shortdesc: 'Wait X seconds before fencing is started' },
    power_timeout: { type: 'integer', default: 20, min: 1, shortdesc: 'Test X seconds for status change after ON/OFF' },
    power_wait: { type: 'integer', default: 0, min: 0, shortdesc: 'Wait X seconds after issuing ON/OFF' },
    stonith_status_sleep: {
      type: 'integer',
      default: 1,
      min: 0,
      shortdesc: 'Sleep X seconds between status calls during a STONITH action',
    },
    separator: { type: 'string', default: ',', shortdesc: "Separator for CSV created by 'list' operation" },
    verbose: { type: 'boolean', shortdesc: 'Verbose mode' },
    quiet: { type: 'boolean', shortdesc: 'Disable logging to stderr' },
  };
}

/** Parameter names whose getopt short option is fixed by fence-agents. */
export const STANDARD_SHORT: Readonly<Record<string, string>> = {
  action: 'o',
  plug: 'n',
  port: 'n',
  separator: 'C',
  verbose: 'v',
  quiet: 'q',
};

/** The long option of a parameter: `power_timeout` → `--power-timeout`. */
export function longOption(name: string): string {
  return name.replace(/_/g, '-');
}
