/**
 * The band-expression language of the `reduce` plugin, read into a tree by a recursive-descent
 * parser of its own (nothing is handed to `eval`). From loosest to tightest binding:
 *
 *     or  ||                      a or b
 *     and &&                      a and b
 *     not !                       not a
 *     < <= > >= == !=             a < b        (1 or 0; they do not chain)
 *     + -                         a + b
 *     * /                         a * b
 *     unary -, +                  -a
 *     number, band, nan, f(…), ( … )
 *
 * Numbers are decimal (`12`, `0.5`, `.5`, `1e-4`); a band is a name of letters, digits and `_`
 * not starting with a digit (`B08`, `nbart_red`); `nan` is the missing value. Functions are in
 * FUNCTIONS. Every error is an ExpressionError naming the column (1-based) where it is.
 */
import { UserError } from '../errors.js';
import { nearestKey } from '../nearest-key.js';

export type BinaryOperator = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';
type UnaryOperator = '-' | 'not';

/** The functions of the language and how many arguments each takes (`max` unbounded: Infinity). */
const FUNCTIONS = {
  where: { min: 3, max: 3, usage: 'where(condition, then, else)' },
  clip: { min: 3, max: 3, usage: 'clip(x, low, high)' },
  min: { min: 2, max: Infinity, usage: 'min(a, b, …)' },
  max: { min: 2, max: Infinity, usage: 'max(a, b, …)' },
  abs: { min: 1, max: 1, usage: 'abs(x)' },
  sqrt: { min: 1, max: 1, usage: 'sqrt(x)' },
  log: { min: 1, max: 1, usage: 'log(x)' },
  log10: { min: 1, max: 1, usage: 'log10(x)' },
  exp: { min: 1, max: 1, usage: 'exp(x)' },
  pow: { min: 2, max: 2, usage: 'pow(x, y)' },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** A node of an expression's tree; `column` is where its text starts (1-based). */
export type ExpressionNode =
  | { kind: 'number'; value: number; column: number }
  | { kind: 'band'; name: string; column: number }
  | { kind: 'unary'; op: UnaryOperator; operand: ExpressionNode; column: number }
  | { kind: 'binary'; op: BinaryOperator; left: ExpressionNode; right: ExpressionNode; column: number }
  | { kind: 'call'; fn: FunctionName; args: ExpressionNode[]; column: number };

/** An expression that cannot be read: what is wrong, and the column where it is. */
export class ExpressionError extends UserError {
  constructor(
    readonly expressionName: string,
    readonly reason: string,
    readonly column: number,
    readonly hint?: string,
  ) {
    super(`expression ${expressionName}: ${reason} at column ${column}${hint === undefined ? '' : ` (${hint})`}`);
  }
}

type TokenKind = 'number' | 'name' | 'operator' | 'end';
interface Token {
  kind: TokenKind;
  /** The operator (words and symbols alike: `&&` is `and`), the name, or the number's text. */
  text: string;
  /** The token as written, for messages. */
  source: string;
  column: number;
}

const SYMBOLS = ['<=', '>=', '==', '!=', '&&', '||', '<', '>', '+', '-', '*', '/', '(', ')', ',', '!'];
const SYMBOL_OPERATOR: Readonly<Record<string, string>> = { '&&': 'and', '||': 'or', '!': 'not' };
const WORD_OPERATORS = new Set(['and', 'or', 'not']);
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const MISTAKES: Readonly<Record<string, string>> = {
  '=': "'==' compares",
  '&': "'and' or '&&' is the logical and",
  '|': "'or' or '||' is the logical or",
  '^': 'pow(x, y) raises to a power',
  '%': 'there is no remainder operator',
};

function tokenize(text: string, name: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const column = i + 1;
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      const end = i + number[0].length;
      // `1e`, `2x`, `1.2.3`: a number that runs on into letters or dots.
      if (end < text.length && /[A-Za-z0-9_.]/.test(text[end]!)) {
        const run = /[A-Za-z0-9_.]*/y;
        run.lastIndex = i;
        throw new ExpressionError(name, `malformed number '${run.exec(text)![0]}'`, column);
      }
      tokens.push({ kind: 'number', text: number[0], source: number[0], column });
      i = end;
      continue;
    }
    NAME.lastIndex = i;
    const word = NAME.exec(text);
    if (word) {
      const w = word[0];
      tokens.push({ kind: WORD_OPERATORS.has(w) ? 'operator' : 'name', text: w, source: w, column });
      i += w.length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: 'operator', text: SYMBOL_OPERATOR[symbol] ?? symbol, source: symbol, column });
      i += symbol.length;
      continue;
    }
    throw new ExpressionError(name, `unexpected character '${c}'`, column, MISTAKES[c]);
  }
  tokens.push({ kind: 'end', text: '', source: '', column: text.length + 1 });
  return tokens;
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

const MAX_DEPTH = 256;

class Parser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly name: string,
  ) {}

  parse(): ExpressionNode {
    if (this.peek().kind === 'end') throw new ExpressionError(this.name, 'empty expression', 1);
    const node = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isOperator(...ops: string[]): boolean {
    const t = this.peek();
    return t.kind === 'operator' && ops.includes(t.text);
  }

  private next(): Token {
    return this.tokens[this.at++]!;
  }

  private unexpected(t: Token): ExpressionError {
    if (t.kind === 'end') return new ExpressionError(this.name, 'unexpected end of expression', t.column);
    return new ExpressionError(this.name, `unexpected '${t.source}'`, t.column);
  }

  /** Keeps nesting (parentheses, calls, chains of unary operators) within the stack's reach. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError(this.name, `more than ${MAX_DEPTH} levels of nesting`, this.peek().column);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private or(): ExpressionNode {
    return this.nested(() => this.orChain());
  }

  private orChain(): ExpressionNode {
    let left = this.and();
    while (this.isOperator('or')) {
      const op = this.next();
      left = { kind: 'binary', op: 'or', left, right: this.and(), column: op.column };
    }
    return left;
  }

  private and(): ExpressionNode {
    let left = this.not();
    while (this.isOperator('and')) {
      const op = this.next();
      left = { kind: 'binary', op: 'and', left, right: this.not(), column: op.column };
    }
    return left;
  }

  private not(): ExpressionNode {
    if (this.isOperator('not')) {
      const op = this.next();
      return { kind: 'unary', op: 'not', operand: this.nested(() => this.not()), column: op.column };
    }
    return this.comparison();
  }

  private comparison(): ExpressionNode {
    const left = this.additive();
    if (!this.isOperator(...COMPARISONS)) return left;
    const op = this.next();
    const node: ExpressionNode = { kind: 'binary', op: op.text as BinaryOperator, left, right: this.additive(), column: op.column };
    if (this.isOperator(...COMPARISONS)) {
      throw new ExpressionError(this.name, `comparisons do not chain: unexpected '${this.peek().source}'`, this.peek().column, 'write (a < b) and (b < c)');
    }
    return node;
  }

  private additive(): ExpressionNode {
    let left = this.multiplicative();
    while (this.isOperator('+', '-')) {
      const op = this.next();
      left = { kind: 'binary', op: op.text as '+' | '-', left, right: this.multiplicative(), column: op.column };
    }
    return left;
  }

  private multiplicative(): ExpressionNode {
    let left = this.unary();
    while (this.isOperator('*', '/')) {
      const op = this.next();
      left = { kind: 'binary', op: op.text as '*' | '/', left, right: this.unary(), column: op.column };
    }
    return left;
  }

  private unary(): ExpressionNode {
    if (this.isOperator('-', '+')) {
      const op = this.next();
      const operand = this.nested(() => this.unary());
      return op.text === '-' ? { kind: 'unary', op: '-', operand, column: op.column } : operand;
    }
    return this.primary();
  }

  private primary(): ExpressionNode {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text), column: t.column };
    if (t.kind === 'name') {
      if (this.isOperator('(')) return this.call(t);
      if (t.text === 'nan') return { kind: 'number', value: Number.NaN, column: t.column };
      return { kind: 'band', name: t.text, column: t.column };
    }
    if (t.kind === 'operator' && t.text === '(') {
      const inner = this.or();
      if (!this.isOperator(')')) {
        const found = this.peek();
        if (found.kind === 'end') throw new ExpressionError(this.name, "unclosed '('", t.column);
        throw this.unexpected(found);
      }
      this.next();
      return inner;
    }
    throw this.unexpected(t);
  }

  private call(nameToken: Token): ExpressionNode {
    const fn = nameToken.text;
    if (!Object.hasOwn(FUNCTIONS, fn)) {
      const near = nearestKey(fn, Object.keys(FUNCTIONS));
      const hint = near === undefined ? `functions: ${Object.keys(FUNCTIONS).join(', ')}` : `did you mean '${near}'?`;
      throw new ExpressionError(this.name, `unknown function '${fn}'`, nameToken.column, hint);
    }
    const open = this.next();
    const args: ExpressionNode[] = [];
    if (!this.isOperator(')')) {
      for (;;) {
        args.push(this.or());
        if (this.isOperator(',')) {
          this.next();
          continue;
        }
        if (this.isOperator(')')) break;
        const found = this.peek();
        if (found.kind === 'end') throw new ExpressionError(this.name, "unclosed '('", open.column);
        throw this.unexpected(found);
      }
    }
    this.next();
    const { min, max, usage } = FUNCTIONS[fn as FunctionName];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `${min} or more` : `${min} to ${max}`;
      throw new ExpressionError(this.name, `${fn} takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${args.length},`, nameToken.column, usage);
    }
    return { kind: 'call', fn: fn as FunctionName, args, column: nameToken.column };
  }
}

/**
 * The tree of an expression's text; `name` names it in errors ("expression ndvi: …"). Throws an
 * ExpressionError for text that is not an expression of the language.
 */
export function parseExpressionTree(text: string, name: string): ExpressionNode {
  return new Parser(tokenize(text, name), name).parse();
}
