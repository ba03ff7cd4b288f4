/**
 * Transition keys and magic: how the controller ties a result to the graph action that asked for
 * it. Key `action:transition:target_rc:uuid`; magic `op_status:rc;key` (Pacemaker's
 * `pcmk__transition_key`, `crm_meta_name`, `decode_transition_magic`).
 */

export interface TransitionKey {
  /** The action's id in its graph. */
  action: number;
  transition: number;
  targetRc: number;
  /** The controller instance that made the graph. */
  uuid: string;
}

/**
 * @example
 * encodeTransitionKey({ action: 3, transition: 7, targetRc: 0, uuid: 'ocfkit' }) // '3:7:0:ocfkit'
 */
export function encodeTransitionKey(k: TransitionKey): string {
  return `${k.action}:${k.transition}:${k.targetRc}:${k.uuid}`;
}

/**
 * @example
 * decodeTransitionKey('3:7:0:ocfkit')?.transition // 7
 */
export function decodeTransitionKey(text: string): TransitionKey | undefined {
  const m = /^(-?\d+):(-?\d+):(-?\d+):(.+)$/.exec(text);
  if (!m?.[4]) return undefined;
  return { action: Number(m[1]), transition: Number(m[2]), targetRc: Number(m[3]), uuid: m[4] };
}

export interface TransitionMagic {
  opStatus: number;
  rc: number;
  key: TransitionKey;
}

/**
 * @example
 * encodeTransitionMagic(0, 7, '3:7:7:ocfkit') // '0:7;3:7:7:ocfkit'
 */
export function encodeTransitionMagic(opStatus: number, rc: number, key: string): string {
  return `${opStatus}:${rc};${key}`;
}

/**
 * @example
 * decodeTransitionMagic('0:7;3:7:7:ocfkit')?.rc // 7
 */
export function decodeTransitionMagic(text: string): TransitionMagic | undefined {
  const m = /^(-?\d+):(-?\d+);(.+)$/.exec(text);
  if (!m?.[3]) return undefined;
  const key = decodeTransitionKey(m[3]);
  return key && { opStatus: Number(m[1]), rc: Number(m[2]), key };
}
