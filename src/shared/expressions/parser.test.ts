import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { ExpressionError, parseExpressionTree, type ExpressionNode } from './parser.js';

/** The tree as a prefix form: (op left right), (f args…), numbers and bands as written. */
function show(node: ExpressionNode): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'band':
      return node.name;
    case 'unary':
      return `(${node.op} ${show(node.operand)})`;
    case 'binary':
      return `(${node.op} ${show(node.left)} ${show(node.right)})`;
    case 'call':
      return `(${node.fn} ${node.args.map(show).join(' ')})`;
  }
}

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const tree = (text: string) => show(parseExpressionTree(text, 'test'));

describe('parseExpressionTree', () => {
  it.each([
    ['(B08 - B04) / (B08 + B04)', '(/ (- B08 B04) (+ B08 B04))'],
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 * 2 + 3', '(+ (* 1 2) 3)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['-a * 2', '(* (- a) 2)'],
    ['- -a', '(- (- a))'],
    ['+a', 'a'],
    ['2 * -3', '(* 2 (- 3))'],
    ['a < b + 1', '(< a (+ b 1))'],
    ['a + 1 >= b * 2', '(>= (+ a 1) (* b 2))'],
    ['a < b and c != 2 or d', '(or (and (< a b) (!= c 2)) d)'],
    ['a or b and c', '(or a (and b c))'],
    ['a && b || !c', '(or (and a b) (not c))'],
    ['not a == b', '(not (== a b))'],
    ['not not a', '(not (not a))'],
    ['(a or b) and c', '(and (or a b) c)'],
    ['where(SCL == 4, B08, nan)', '(where (== SCL 4) B08 NaN)'],
    ['clip(nbart_red * 0.0001, 0, 1)', '(clip (* nbart_red 0.0001) 0 1)'],
    ['max(a, b, c)', '(max a b c)'],
    ['sqrt(abs(a - b))', '(sqrt (abs (- a b)))'],
    ['1e-4 * B02 + .5 + 2.', '(+ (+ (* 0.0001 B02) 0.5) 2)'],
    ['  B08\t', 'B08'],
  ])('%s → %s', (text, expected) => {
    expect(tree(text)).toBe(expected);
  });

  it('keeps the column where each node starts', () => {
    const node = parseExpressionTree('B04 +  abs(B08)', 't');
    expect(node).toMatchObject({ kind: 'binary', column: 5, left: { column: 1 }, right: { kind: 'call', column: 8, args: [{ column: 12 }] } });
  });

  it.each([
    ['(B08 - B04) / (B08 + B04))', "expression test: unexpected ')' at column 26"],
    ['(B08 - B04 / (B08 + B04)', "expression test: unclosed '(' at column 1"],
    ['B08 +', 'expression test: unexpected end of expression at column 6'],
    ['B08 * / B04', "expression test: unexpected '/' at column 7"],
    ['B04 B08', "expression test: unexpected 'B08' at column 5"],
    ['', 'expression test: empty expression at column 1'],
    ['   ', 'expression test: empty expression at column 1'],
    ['B04 = 4', "expression test: unexpected character '=' at column 5 ('==' compares)"],
    ['B04 & B08', "expression test: unexpected character '&' at column 5 ('and' or '&&' is the logical and)"],
    ['B04 ^ 2', "expression test: unexpected character '^' at column 5 (pow(x, y) raises to a power)"],
    ['B04 $ 2', "expression test: unexpected character '$' at column 5"],
    ['1 < a < 3', "expression test: comparisons do not chain: unexpected '<' at column 7 (write (a < b) and (b < c))"],
    ['2B04', "expression test: malformed number '2B04' at column 1"],
    ['1.2.3 + a', "expression test: malformed number '1.2.3' at column 1"],
    ['1e + a', "expression test: malformed number '1e' at column 1"],
    ['a + sqr(b)', "expression test: unknown function 'sqr' at column 5 (did you mean 'sqrt'?)"],
    ['ndvi(b)', "expression test: unknown function 'ndvi' at column 1 (functions: where, clip, min, max, abs, sqrt, log, log10, exp, pow)"],
    ['where(a > 1, 2)', 'expression test: where takes 3 arguments, not 2, at column 1 (where(condition, then, else))'],
    ['1 + abs()', 'expression test: abs takes 1 argument, not 0, at column 5 (abs(x))'],
    ['min(a)', 'expression test: min takes 2 or more arguments, not 1, at column 1 (min(a, b, …))'],
    ['clip(a, 0 1)', "expression test: unexpected '1' at column 11"],
    ['clip(a, 0, 1', "expression test: unclosed '(' at column 5"],
    ['abs(a,)', "expression test: unexpected ')' at column 7"],
    ['a and', 'expression test: unexpected end of expression at column 6'],
  ])('refuses %j: %s', (text, message) => {
    const error = errorOf(() => parseExpressionTree(text, 'test'));
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(message);
  });

  it('refuses nesting deeper than its stack can take, in one line', () => {
    const deep = `${'('.repeat(10_000)}a${')'.repeat(10_000)}`;
    expect((errorOf(() => parseExpressionTree(deep, 'deep')) as Error).message).toBe('expression deep: more than 256 levels of nesting at column 257');
    expect((errorOf(() => parseExpressionTree(`${'-'.repeat(10_000)}a`, 'neg')) as Error).message).toMatch(/^expression neg: more than 256 levels of nesting at column \d+$/);
    expect(tree(`${'('.repeat(100)}a${')'.repeat(100)}`)).toBe('a');
  });

  it('says what and where in fields of its error, for the plugin to place', () => {
    const error = errorOf(() => parseExpressionTree('(a - b))', 'ndvi'));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toMatchObject({ expressionName: 'ndvi', reason: "unexpected ')'", column: 8, message: "expression ndvi: unexpected ')' at column 8" });
  });
});
