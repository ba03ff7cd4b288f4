/**
 * Messages of `ocfkit cib gen`: each names the file, the line and the field (a sheet's cell such
 * as `C12`, or a YAML path such as `resources[0].params.ip`), and is an error or a warning — the
 * generator's exit code is 1 on any error, 2 on warnings only, 0 when clean (as pm_crmgen's).
 */

/** Where a value came from. `field` is a cell (`C12`) for sheets, a dotted path for YAML. */
export interface Where {
  file: string;
  line: number;
  field?: string;
}

interface Diagnostic {
  level: 'error' | 'warning';
  where?: Where;
  message: string;
}

/** Thrown to stop at the first error that makes going on pointless (undecodable file, bad YAML). */
export class GenError extends Error {
  override name = 'GenError';
  constructor(
    message: string,
    readonly where?: Where,
  ) {
    super(message);
  }
}

/**
 * A spreadsheet column name for a 0-based column index.
 *
 * @example
 * columnName(0) // 'A'
 * columnName(27) // 'AB'
 */
export function columnName(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** `file:line: field: level: message`, the way compilers print it (line 0: the whole file). */
export function formatDiagnostic(d: Diagnostic): string {
  const w = d.where;
  const head = w ? `${w.file}${w.line > 0 ? `:${w.line}` : ''}: ${w.field ? `${w.field}: ` : ''}` : '';
  return `${head}${d.level}: ${d.message}`;
}

/** Collects errors and warnings in the order they are found. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(message: string, where?: Where): void {
    this.list.push({ level: 'error', where, message });
  }

  warn(message: string, where?: Where): void {
    this.list.push({ level: 'warning', where, message });
  }

  get errors(): number {
    return this.list.filter((d) => d.level === 'error').length;
  }

  get warnings(): number {
    return this.list.filter((d) => d.level === 'warning').length;
  }

  /** 1 on any error, 2 on warnings only, 0 when clean. */
  exitCode(): 0 | 1 | 2 {
    return this.errors > 0 ? 1 : this.warnings > 0 ? 2 : 0;
  }
}
