/** What a probe says while the condition does not hold yet. */
export type Why = { why: string };
const isWhy = (v: unknown): v is Why => typeof v === 'object' && v !== null && 'why' in v;
const scale = Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);

/**
 * Polls `probe` every 500 ms until it returns something other than `{ why }`, for `seconds`
 * (times OCFKIT_RIG_TIME_SCALE); a probe that throws counts as `{ why: message }`.
 */
export async function until<T>(what: string, seconds: number, probe: () => Promise<T | Why>): Promise<T> {
  const end = Date.now() + seconds * scale * 1000;
  let why = 'not checked';
  for (;;) {
    const v = await probe().catch((e: Error) => ({ why: e.message }));
    if (!isWhy(v)) return v;
    why = v.why;
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds * scale} s (last seen: ${why})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
