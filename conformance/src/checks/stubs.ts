/**
 * Agents Pacemaker runs only for meta-data, by `provider:type`, with why: their other actions are
 * stubs that fail on purpose, and checking a lifecycle there would report the stub, not a bug.
 */
const METADATA_ONLY: Readonly<Record<string, string>> = {
  'pacemaker:remote':
    "ocf:pacemaker:remote is a meta-data-only stub: Pacemaker's controller implements remote connections itself and runs the agent only for meta-data",
};

/**
 * Why `provider:type` is a meta-data-only stub, or `undefined` for an ordinary agent.
 *
 * @example
 * metadataOnlyReason('pacemaker', 'remote') // "ocf:pacemaker:remote is a meta-data-only stub: ..."
 */
export function metadataOnlyReason(provider: string, type: string): string | undefined {
  return METADATA_ONLY[`${provider}:${type}`];
}
