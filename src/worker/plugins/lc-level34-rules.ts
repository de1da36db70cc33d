/**
 * The class definition table of land cover levels 3 and 4 (odc-stats `lc_level34.py`'s
 * `class_def_path`, read with its `_utils.generate_numexpr_expressions`): a CSV whose rows are
 * classes, whose condition columns hold a test of an input band each, and whose class column
 * holds the code a pixel passing all of a row's tests gets.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';

/** A CSV's cells by column name, with each row's line in the file for messages. */
export interface ClassTable {
  file: string;
  columns: string[];
  rows: Array<{ line: number; cells: Map<string, string> }>;
}

type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=';

interface Condition {
  column: string;
  op: Operator;
  value: number;
}

/** One row's rule: where every condition holds, the class. */
export interface ClassRule {
  conditions: Condition[];
  classCode: number;
}

/** Cells pandas reads as missing (its default `na_values` that a hand-made table may hold). */
const MISSING = new Set(['', 'nan', 'NaN', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '#N/A']);
/** odc-stats skips a cell of exactly 255 too: the test does not apply. */
const NOT_APPLICABLE = '255';
const NUMBER = String.raw`-?\d+\.?\d*`;
const RANGE = new RegExp(String.raw`^([[(])\s*(${NUMBER})\s*,\s*(${NUMBER})\s*([\])])$`);
const COMPARISON = new RegExp(String.raw`^(>=|<=|==|!=|>|<)\s*(${NUMBER})$`);
const LOWER: Record<string, Operator> = { '[': '>=', '(': '>' };
const UPPER: Record<string, Operator> = { ']': '<=', ')': '<' };

/** The table of `file` (named `key` in errors), which must have `columns`. */
export function readClassTable(file: string, key: string, columns: readonly string[]): ClassTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${key} ${file} cannot be read: ${(e as Error).message}`);
  }
  const records = parseCsv(text.replace(/^\uFEFF/, ''), (line, why) => new UserError(`${key} ${file} line ${line}: ${why}`));
  const [header, ...body] = records;
  if (header === undefined) throw new UserError(`${key} ${file} is empty: it needs a header of column names and a row a class`);
  const names = header.fields.map((name) => name.trim());
  const missing = columns.find((c) => !names.includes(c));
  if (missing !== undefined) throw new UserError(`${key} ${file} has no column '${missing}', which class_condition names (its columns: ${names.join(', ')})`);
  const rows = body.map(({ line, fields }) => {
    if (fields.length > names.length) throw new UserError(`${key} ${file} line ${line}: ${fields.length} fields, and the header names ${names.length}`);
    return { line, cells: new Map(names.map((name, i) => [name, (fields[i] ?? '').trim()])) };
  });
  return { file, columns: names, rows };
}

/**
 * The rules of `classColumn` from the table's `conditionColumns`, in the order odc-stats applies
 * them: rows without any test are left out, rows of the same rule count once, and the rest are
 * ordered by the length of the numexpr expression odc-stats writes for each (shortest first,
 * rows of equal length in the table's order, which odc-stats leaves to its set's hashing). Each
 * rule overrides those before it, so a rule of more tests usually wins over a broader one.
 */
export function classRules(table: ClassTable, key: string, conditionColumns: readonly string[], classColumn: string): ClassRule[] {
  const byExpression = new Map<string, ClassRule>();
  for (const { line, cells } of table.rows) {
    const at = (column: string) => `${key} ${table.file} line ${line}, column ${column}`;
    const conditions: Condition[] = [];
    const terms: string[] = [];
    for (const column of conditionColumns) {
      const cell = cells.get(column)!;
      for (const condition of parseCondition(cell, column, at)) {
        conditions.push(condition);
        terms.push(`(${column}${condition.op}${condition.op === '==' && !cell.startsWith('==') ? condition.value : pythonFloat(condition.value)})`);
      }
    }
    if (conditions.length === 0) continue;
    const classText = cells.get(classColumn)!;
    if (!/^\d+(\.0*)?$/.test(classText) || Number(classText) > 255) {
      throw new UserError(`${at(classColumn)}: '${classText}' is no class code (an integer 0–255), and the row has tests of ${conditionColumns.join(', ')}`);
    }
    const expression = `where(${terms.join('&')}, ${classText}, res)`;
    if (!byExpression.has(expression)) byExpression.set(expression, { conditions, classCode: Number(classText) });
  }
  return [...byExpression.entries()].sort(([a], [b]) => a.length - b.length).map(([, rule]) => rule);
}

/** The tests of one cell: none, one (a comparison or a bare integer, meaning ==) or two (a range). */
function parseCondition(cell: string, column: string, at: (column: string) => string): Condition[] {
  if (MISSING.has(cell) || cell === NOT_APPLICABLE) return [];
  const range = RANGE.exec(cell);
  if (range) {
    return [
      { column, op: LOWER[range[1]!]!, value: Number(range[2]) },
      { column, op: UPPER[range[4]!]!, value: Number(range[3]) },
    ];
  }
  const comparison = COMPARISON.exec(cell);
  if (comparison) return [{ column, op: comparison[1] as Operator, value: Number(comparison[2]) }];
  if (/^-?\d+$/.test(cell)) return [{ column, op: '==', value: Number(cell) }];
  throw new UserError(
    `${at(column)}: '${cell}' is no test: write an integer (equal to), a comparison such as >=20 or !=2, a range such as [1, 4) or (0.5, 2], or leave it empty (nan or 255 too) for none`,
  );
}

/**
 * Each pixel's class: that of the last rule (in `rules`' order) all of whose tests its bands
 * pass, 0 where none does. `bands` holds the band of each condition column.
 */
export function applyRules(rules: readonly ClassRule[], bands: ReadonlyMap<string, SampleArray>, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const compiled = rules.map((rule) => ({ classCode: rule.classCode, tests: rule.conditions.map((c) => ({ ...c, band: bands.get(c.column)! })) }));
  for (let p = 0; p < pixels; p++) {
    rules: for (let r = compiled.length - 1; r >= 0; r--) {
      const rule = compiled[r]!;
      for (const t of rule.tests) if (!holds(t.op, t.band[p]!, t.value)) continue rules;
      out[p] = rule.classCode;
      break;
    }
  }
  return out;
}

/** IEEE comparisons, as numexpr makes them: a NaN band value fails all but !=. */
function holds(op: Operator, v: number, value: number): boolean {
  switch (op) {
    case '==':
      return v === value;
    case '!=':
      return v !== value;
    case '<':
      return v < value;
    case '<=':
      return v <= value;
    case '>':
      return v > value;
    case '>=':
      return v >= value;
  }
}

/** Python's repr of a float: shortest digits, a decimal point always, exponent form below 1e-4 or from 1e16. */
function pythonFloat(value: number): string {
  if (value === 0) return '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

/** RFC 4180 records with the line each starts on; blank lines are skipped, as pandas skips them. */
function parseCsv(text: string, bad: (line: number, why: string) => UserError): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw bad(quoteLine, 'a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
        if (text[i] === '\n') line++;
        field += text[i]!;
        i++;
      }
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
