/**
 * The first host address of an IPv4 subnet: Docker's default gateway of a bridge network (the
 * host's address on it).
 *
 * @example
 * firstHost('10.217.1.0/24') // '10.217.1.1'
 */
export function firstHost(subnet: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!m) throw new Error(`subnet ${JSON.stringify(subnet)} is not IPv4 CIDR`);
  const n = m.slice(1, 5).reduce((a, x) => a * 256 + Number(x), 0);
  const bits = Number(m[5]);
  const net = bits === 0 ? 0 : n - (n % 2 ** (32 - bits));
  const h = net + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(h / 2 ** s) % 256).join('.');
}
