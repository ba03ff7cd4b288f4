/** Corosync's token in the rig's corosync.conf (ms). */
const RIG_TOKEN_MS = 1000;

/**
 * The membership timing handed to the rig's nodes (start-node.sh applies it): OCFKIT_RIG_TOKEN
 * (Corosync's token, ms), OCFKIT_RIG_DEADTIME (ha.cf's deadtime, ms) and OCFKIT_RIG_KEEPALIVE
 * (ha.cf's keepalive, ms; default a quarter of the deadtime) as given. With neither,
 * OCFKIT_RIG_TIME_SCALE > 1 — a loaded machine — stretches Corosync's token by that factor
 * (1000 ms × scale), and so ha.cf's timings too: start-node.sh derives the node daemons' deadtime
 * from the token (2.2 × (token + 650 ms), keepalive a quarter of it), so both rigs keep the same
 * detection budget. Throws on a scale that is not a positive number.
 *
 * @example
 * rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: '3' }) // { OCFKIT_RIG_TOKEN: '3000' }
 */
export function rigTimingEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (env.OCFKIT_RIG_TOKEN) out.OCFKIT_RIG_TOKEN = env.OCFKIT_RIG_TOKEN;
  if (env.OCFKIT_RIG_DEADTIME) out.OCFKIT_RIG_DEADTIME = env.OCFKIT_RIG_DEADTIME;
  if (env.OCFKIT_RIG_KEEPALIVE) out.OCFKIT_RIG_KEEPALIVE = env.OCFKIT_RIG_KEEPALIVE;
  const scale = Number(env.OCFKIT_RIG_TIME_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`OCFKIT_RIG_TIME_SCALE=${env.OCFKIT_RIG_TIME_SCALE} must be a positive number`);
  if (!out.OCFKIT_RIG_TOKEN && !out.OCFKIT_RIG_DEADTIME && scale > 1) out.OCFKIT_RIG_TOKEN = String(Math.round(RIG_TOKEN_MS * scale));
  return out;
}
