import { GenError } from './diagnostics.js';

/** One CSV record: the line it starts on (1-based) and its cells, trimmed. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/**
 * Decodes a sheet saved by a spreadsheet: UTF-8 (with or without a BOM) when the bytes are valid
 * UTF-8, else Shift_JIS (Windows-31J, what Excel writes on Japanese Windows).
 *
 * @example
 * decodeSheet(Buffer.from([0x82, 0xa0]), 'a.csv') // { text: 'あ', encoding: 'Shift_JIS' }
 */
export function decodeSheet(bytes: Uint8Array, file: string): { text: string; encoding: 'UTF-8' | 'Shift_JIS' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'UTF-8' };
  } catch {
    // not UTF-8: try Shift_JIS
  }
  try {
    return { text: new TextDecoder('shift_jis', { fatal: true }).decode(bytes), encoding: 'Shift_JIS' };
  } catch {
    throw new GenError('the file is neither UTF-8 nor Shift_JIS text (save the sheet as "CSV UTF-8" or "CSV")', { file, line: 0 });
  }
}

// Half-width and full-width spaces and tabs, which pm_crmgen also trims from every cell.
const BLANK = /^[\s\u3000]+|[\s\u3000]+$/g;

/** Trims a cell and folds line breaks inside it (a multi-line cell) into single spaces. */
function cleanCell(raw: string): string {
  return raw.replace(/(\r?\n)+/g, ' ').replace(BLANK, '');
}

/**
 * Parses CSV text (RFC 4180: quoted cells may hold commas, doubled quotes and line breaks) into
 * rows numbered by the line they start on.
 *
 * @example
 * parseCsv('a,"b,c"\n"d\ne",f\n') // [{ line: 1, cells: ['a', 'b,c'] }, { line: 2, cells: ['d e', 'f'] }]
 */
export function parseCsv(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  let i = 0;
  const endCell = () => {
    cells.push(cleanCell(cell));
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push({ line: rowLine, cells });
    cells = [];
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
    i++;
  }
  if (quoted) throw new GenError(`a quoted cell is never closed (a '"' is missing)`, { file, line: quoteLine });
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
