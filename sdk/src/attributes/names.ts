/** Attribute names: what CIB rules can refer to (`#health-smart`, `master-pgsql`, `diskcheck_status`). */
const NAME = /^[A-Za-z0-9_#][A-Za-z0-9_.:#-]{0,127}$/;
/** Node names as Pacemaker/uname allow them. */
const NODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
/** Values: one line of printable text (CIB attribute values), at most 4 KiB. */
const VALUE_MAX = 4096;

/**
 * Throws a TypeError naming the bad attribute name, node or value; returns nothing when valid.
 *
 * @example
 * checkAttribute({ name: 'diskcheck_status', value: 'ERROR' }); // ok
 * checkAttribute({ name: 'bad name' }); // throws: attribute name "bad name" ...
 */
export function checkAttribute(fields: { name: string; node?: string | undefined; value?: string | null | undefined }): void {
  if (typeof fields.name !== 'string' || !NAME.test(fields.name)) {
    throw new TypeError(`attribute name ${JSON.stringify(fields.name)} must match ${NAME}`);
  }
  if (fields.node !== undefined && (typeof fields.node !== 'string' || !NODE.test(fields.node))) {
    throw new TypeError(`node name ${JSON.stringify(fields.node)} must match ${NODE}`);
  }
  const v = fields.value;
  if (v !== undefined && v !== null) {
    if (typeof v !== 'string') throw new TypeError(`attribute value for ${fields.name} must be a string, got ${typeof v}`);
    if (v.length > VALUE_MAX)
      throw new TypeError(`attribute value for ${fields.name} is ${v.length} characters long; at most ${VALUE_MAX}`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(v))
      throw new TypeError(`attribute value for ${fields.name} contains a control character: ${JSON.stringify(v)}`);
  }
}

/**
 * Throws a TypeError unless `ms` is a whole, non-negative number of milliseconds below a day.
 *
 * @example
 * checkDampen(5000); // ok
 */
export function checkDampen(ms: number | undefined): void {
  if (ms === undefined) return;
  if (!Number.isInteger(ms) || ms < 0 || ms > 86_400_000)
    throw new TypeError(`dampening ${JSON.stringify(ms)} must be whole milliseconds in 0..86400000`);
}
