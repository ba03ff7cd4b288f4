/**
 * The first regular file of a tar archive (what Docker's archive endpoint returns for one path),
 * or undefined when the archive holds none. Ustar and GNU headers; pax/GNU long-name entries are
 * skipped (the content is all that is wanted, not the name).
 *
 * @example
 * const buf = await streamToBuffer(await container.getArchive({ path: '/var/log/corosync.log' }));
 * firstTarFile(buf)?.toString() // the log's text
 */
export function firstTarFile(tar: Buffer): Buffer | undefined {
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined; // the end-of-archive blocks
    const size = headerSize(header);
    const type = String.fromCharCode(header[156] ?? 0);
    const body = at + 512;
    if (type === '0' || type === '\0') {
      if (body + size > tar.length)
        throw new Error(`tar archive truncated: a file of ${size} bytes at offset ${body}, archive ${tar.length}`);
      return tar.subarray(body, body + size);
    }
    at = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** The size field: octal text, or GNU's base-256 (high bit set) for files of 8 GiB and more. */
function headerSize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if ((field[0] ?? 0) & 0x80) return field.subarray(1).reduce((n, b) => n * 256 + b, 0);
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  const n = text === '' ? 0 : Number.parseInt(text, 8);
  if (!Number.isFinite(n)) throw new Error(`tar header: size field ${JSON.stringify(text)} is not octal`);
  return n;
}
