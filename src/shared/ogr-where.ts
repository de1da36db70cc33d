/**
 * The part of OGR SQL's WHERE clause that selects features by their attributes, as GDAL's
 * `SetAttributeFilter` reads it: AND, OR, NOT and parentheses; =, <>, !=, <, <=, >, >=
 * between a field and a literal (either side); [NOT] LIKE with % (any run of characters) and _
 * (one character), case-sensitive as in GDAL 3.1 and later; IS [NOT] NULL. Field names are
 * matched whatever their case, as OGR does; a missing value compares as unknown (SQL's NULL),
 * so a feature whose filter is unknown is left out.
 */
import { UserError } from './errors.js';

export type AttributeValue = string | number | null;

/** A GeoJSON feature's properties as the attributes a filter reads: names upper-cased, values other than strings and numbers missing. */
export function attributesOfProperties(properties: Record<string, unknown> | null | undefined): Map<string, AttributeValue> {
  return new Map(Object.entries(properties ?? {}).map(([name, value]) => [name.toUpperCase(), typeof value === 'string' || typeof value === 'number' ? value : null]));
}

/** A parsed filter: the fields it reads (upper-cased) and whether a feature's attributes pass it. */
export interface WhereFilter {
  readonly fields: readonly string[];
  /** `attributes` keyed by upper-cased field name. */
  matches(attributes: ReadonlyMap<string, AttributeValue>): boolean;
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'field'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'symbol'; text: string; at: number }
  | { kind: 'end'; at: number };

type Operand = { kind: 'field'; name: string; at: number } | { kind: 'literal'; value: string | number; at: number };

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'compare'; op: string; left: Operand; right: Operand; at: number }
  | { kind: 'like'; negated: boolean; field: Operand; pattern: RegExp; at: number }
  | { kind: 'null'; negated: boolean; field: Operand };

/** Three-valued truth: null is SQL's unknown. */
type Truth = boolean | null;

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IS', 'NULL']);
const COMPARISONS = ['<>', '!=', '<=', '>=', '=', '<', '>'];

/** The filter of `text`; anything outside the subset is refused with its 1-based position. */
export function parseWhere(text: string): WhereFilter {
  const tokens = tokenize(text);
  let next = 0;
  const peek = () => tokens[next]!;
  const fail = (token: Token, what: string): never => {
    const found = token.kind === 'end' ? 'the end' : `'${text.slice(token.at, token.at + 12).split(/\s/)[0]}'`;
    throw new UserError(`${what} at position ${token.at + 1}, found ${found}`);
  };
  const isWord = (word: string) => {
    const t = peek();
    return t.kind === 'word' && t.text === word;
  };
  const fields = new Set<string>();

  const operand = (): Operand => {
    const t = peek();
    next++;
    if (t.kind === 'string' || t.kind === 'number') return { kind: 'literal', value: t.value, at: t.at };
    if (t.kind === 'field') {
      const name = t.text.toUpperCase();
      fields.add(name);
      return { kind: 'field', name, at: t.at };
    }
    if (t.kind === 'symbol' && t.text === '-') {
      const n = peek();
      if (n.kind === 'number') {
        next++;
        return { kind: 'literal', value: -n.value, at: t.at };
      }
    }
    return fail(t, 'expected a field name, a string or a number');
  };

  const predicate = (): Node => {
    const t = peek();
    if (t.kind === 'symbol' && t.text === '(') {
      next++;
      const inner = disjunction();
      const close = peek();
      if (close.kind !== 'symbol' || close.text !== ')') fail(close, "expected ')'");
      next++;
      return inner;
    }
    const left = operand();
    const op = peek();
    if (op.kind === 'symbol' && COMPARISONS.includes(op.text)) {
      next++;
      return { kind: 'compare', op: op.text === '!=' ? '<>' : op.text, left, right: operand(), at: op.at };
    }
    if (isWord('IS')) {
      next++;
      const negated = isWord('NOT');
      if (negated) next++;
      if (!isWord('NULL')) fail(peek(), 'expected NULL');
      next++;
      return { kind: 'null', negated, field: left };
    }
    const negated = isWord('NOT');
    if (negated) next++;
    if (!isWord('LIKE')) return fail(peek(), negated ? 'expected LIKE' : 'expected a comparison (=, <>, <, <=, >, >=, LIKE, IS NULL)');
    next++;
    const pattern = peek();
    if (pattern.kind !== 'string') return fail(pattern, 'expected a quoted LIKE pattern');
    next++;
    return { kind: 'like', negated, field: left, pattern: likePattern(pattern.value), at: op.at };
  };

  const negation = (): Node => {
    if (!isWord('NOT')) return predicate();
    next++;
    return { kind: 'not', operand: negation() };
  };
  const conjunction = (): Node => {
    let node = negation();
    while (isWord('AND')) {
      next++;
      node = { kind: 'and', left: node, right: negation() };
    }
    return node;
  };
  const disjunction = (): Node => {
    let node = conjunction();
    while (isWord('OR')) {
      next++;
      node = { kind: 'or', left: node, right: conjunction() };
    }
    return node;
  };

  if (peek().kind === 'end') fail(peek(), 'expected a condition');
  const root = disjunction();
  if (peek().kind !== 'end') fail(peek(), 'expected AND, OR or the end');
  return { fields: [...fields], matches: (attributes) => evaluate(root, attributes) === true };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // Single quotes make a string, double quotes a field name; a doubled quote is the quote itself.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new UserError(`unterminated ${c === "'" ? 'string' : 'quoted name'} at position ${i + 1}`);
        if (text[j] === c) {
          if (text[j + 1] !== c) break;
          j++;
        }
        value += text[j]!;
        j++;
      }
      tokens.push(c === "'" ? { kind: 'string', value, at: i } : { kind: 'field', text: value, at: i });
      i = j + 1;
    } else if (/[0-9.]/.test(c)) {
      const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) throw new UserError(`unexpected '${c}' at position ${i + 1}`);
      tokens.push({ kind: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      const upper = word.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: 'word', text: upper, at: i } : { kind: 'field', text: word, at: i });
      i += word.length;
    } else {
      const symbol = [...COMPARISONS, '(', ')', '-'].find((s) => text.startsWith(s, i));
      if (symbol === undefined) throw new UserError(`unexpected '${c}' at position ${i + 1}`);
      tokens.push({ kind: 'symbol', text: symbol, at: i });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/** A LIKE pattern as an anchored regular expression: % any run, _ any one character, the rest literal. */
function likePattern(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

function evaluate(node: Node, attributes: ReadonlyMap<string, AttributeValue>): Truth {
  switch (node.kind) {
    case 'and': {
      const left = evaluate(node.left, attributes);
      if (left === false) return false;
      const right = evaluate(node.right, attributes);
      return right === false ? false : left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(node.left, attributes);
      if (left === true) return true;
      const right = evaluate(node.right, attributes);
      return right === true ? true : left === null || right === null ? null : false;
    }
    case 'not': {
      const value = evaluate(node.operand, attributes);
      return value === null ? null : !value;
    }
    case 'null':
      return (valueOf(node.field, attributes) === null) !== node.negated;
    case 'like': {
      const value = valueOf(node.field, attributes);
      if (value === null) return null;
      if (typeof value !== 'string') throw typeMismatch(node.field, 'LIKE', node.at);
      return node.pattern.test(value) !== node.negated;
    }
    case 'compare': {
      const left = valueOf(node.left, attributes);
      const right = valueOf(node.right, attributes);
      if (left === null || right === null) return null;
      if (typeof left !== typeof right) throw typeMismatch(node.left.kind === 'field' ? node.left : node.right, node.op, node.at);
      return compare(node.op, left, right);
    }
  }
}

function compare(op: string, left: string | number, right: string | number): boolean {
  switch (op) {
    case '=':
      return left === right;
    case '<>':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

function valueOf(operand: Operand, attributes: ReadonlyMap<string, AttributeValue>): AttributeValue {
  if (operand.kind === 'literal') return operand.value;
  const value = attributes.get(operand.name);
  if (value === undefined) throw new UserError(`no field ${operand.name} at position ${operand.at + 1}: the features have ${[...attributes.keys()].join(', ') || 'no fields'}`);
  return value;
}

function typeMismatch(operand: Operand, op: string, at: number): UserError {
  const what = operand.kind === 'field' ? `field ${operand.name}` : 'a literal';
  return new UserError(`${op} at position ${at + 1} compares ${what} with a value of another type (a string with a number)`);
}
