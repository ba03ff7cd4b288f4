import { agentAction, type FenceDevice } from './device';
import type { FenceMetadata } from './metadata';

/** Whether a device parameter is the fencer's own and never reaches the agent. */
export function isFencerParam(name: string): boolean {
  return name.startsWith('pcmk_') || name === 'provides' || name === 'action' || name === 'crm_feature_set' || name.startsWith('CRM_meta');
}

/**
 * The `key=value` arguments a fence agent reads from stdin, built as pacemaker-fenced does:
 * `action` (after `pcmk_<action>_action`), `nodename` (the target), the target again under the
 * host argument (`pcmk_host_argument`, else `plug`/`port` from the meta-data; its mapped port from
 * `pcmk_host_map`), unless the device configures that argument itself, then every device
 * parameter but the fencer's own (`pcmk_*`, `provides`).
 *
 * @example
 * fenceArgs(dev, md, 'reboot', 'node1') // Map { action => 'reboot', nodename => 'node1', plug => 'vm-1', ip => '...' }
 */
export function fenceArgs(dev: FenceDevice, md: FenceMetadata, action: string, target?: string): Map<string, string> {
  const args = new Map<string, string>([['action', agentAction(dev, action)]]);
  if (target !== undefined) {
    args.set('nodename', target);
    const param = dev.hostArgument ?? md.hostArg;
    if (param !== undefined && param.toLowerCase() !== 'none') {
      const configured = dev.params[param];
      if (configured === undefined || configured.toLowerCase() === 'dynamic') {
        args.set(param, dev.hostMap.get(target.toLowerCase()) ?? target);
      }
    }
  }
  for (const [k, v] of Object.entries(dev.params)) if (!isFencerParam(k) && !args.has(k)) args.set(k, v);
  return args;
}

/**
 * The stdin text for a fence agent: one `key=value` line each. A value with a newline could
 * smuggle in another argument, so it is refused, naming the parameter.
 */
export function stdinText(args: ReadonlyMap<string, string>): string {
  let text = '';
  for (const [k, v] of args) {
    if (/[\r\n]/.test(v) || /[\r\n=]/.test(k))
      throw new Error(`fence argument ${JSON.stringify(k)} contains a line break or '=' in its name: refused`);
    text += `${k}=${v}\n`;
  }
  return text;
}
