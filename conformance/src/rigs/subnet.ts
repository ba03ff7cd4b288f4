/**
 * Host `n` of an IPv4 subnet (the network address plus n).
 *
 * @example
 * nthHost('10.217.1.0/24', 100) // '10.217.1.100' (the seed's VIP on the reference rig's lan)
 */
export function nthHost(subnet: string, n: number): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!m) throw new Error(`subnet ${JSON.stringify(subnet)} is not IPv4 CIDR`);
  const addr = m.slice(1, 5).reduce((a, x) => a * 256 + Number(x), 0);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  if (!Number.isInteger(n) || n < 1 || n >= size - 1) throw new Error(`host ${n} is not inside subnet ${subnet}`);
  const h = (bits === 0 ? 0 : addr - (addr % size)) + n;
  return [24, 16, 8, 0].map((s) => Math.floor(h / 2 ** s) % 256).join('.');
}

/**
 * The first host address of an IPv4 subnet: Docker's default gateway of a bridge network (the
 * host's address on it).
 *
 * @example
 * firstHost('10.217.1.0/24') // '10.217.1.1'
 */
export function firstHost(subnet: string): string {
  return nthHost(subnet, 1);
}
