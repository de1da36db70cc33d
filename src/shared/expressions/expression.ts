/**
 * Band expressions compiled once and evaluated over whole arrays: the tree of `parser.ts` becomes
 * a list of steps, each one tight loop over Float64Array registers (constants folded, registers
 * reused once read), so evaluating an expression over n pixels walks the tree once, not n times.
 *
 * Missing values are NaN and stay missing: any operation with a NaN operand gives NaN
 * (comparisons and `and`/`or`/`not` included, so a masked pixel never becomes 0 or 1), except
 * that `where` reads only the branch its condition picks. A result that is not a finite number
 * (division by zero, log of 0, sqrt of a negative number) is missing too.
 */
import { nearestKey } from '../nearest-key.js';
/** A band's values at each pixel, in whatever typed array it was read into. */
type SampleArray = ArrayLike<number>;
import { ExpressionError, parseExpressionTree, type BinaryOperator, type ExpressionNode, type FunctionName } from './parser.js';

/** An expression ready to evaluate. */
export interface CompiledExpression {
  readonly name: string;
  readonly text: string;
  /** The bands it reads, in the order they first appear. */
  readonly bands: readonly string[];
  /**
   * The expression at each of `length` pixels of `bands` (each band's array at least that long,
   * NaN where a pixel is missing): a new Float32Array, NaN where the result is missing.
   */
  evaluate(bands: Readonly<Record<string, SampleArray>>, length: number): Float32Array;
}

export interface ExpressionOptions {
  /** Names the expression in errors: "expression ndvi: …". Default: the text itself. */
  name?: string;
  /** The band names it may read; another name is an error. Default: any name is a band. */
  knownBands?: readonly string[];
}

type UnaryStep = 'neg' | 'not' | 'abs' | 'sqrt' | 'log' | 'log10' | 'exp';
type BinaryStep = BinaryOperator | 'min' | 'max' | 'pow';
type TernaryStep = 'where' | 'clip';

type Step =
  | { kind: 'band'; band: string; out: number }
  | { kind: 'const'; value: number; out: number }
  | { kind: 'unary'; op: UnaryStep; a: number; out: number }
  | { kind: 'binary'; op: BinaryStep; a: number; b: number; out: number }
  | { kind: 'ternary'; op: TernaryStep; a: number; b: number; c: number; out: number };

/** The expression of `text` compiled; an ExpressionError (a UserError naming the column) when it cannot be. */
export function parseExpression(text: string, options: ExpressionOptions = {}): CompiledExpression {
  const name = options.name ?? text;
  const tree = foldConstants(parseExpressionTree(text, name));
  const bands: string[] = [];
  collectBands(tree, bands, name, options.knownBands);
  const program = new Program();
  const result = program.emit(tree);
  const { steps, registerCount } = program;
  return {
    name,
    text,
    bands,
    evaluate(values, length) {
      for (const band of bands) {
        const array = values[band];
        if (!array) throw new Error(`expression ${name} reads band ${band}, which was not given`);
        if (array.length < length) throw new Error(`expression ${name}: band ${band} has ${array.length} values, fewer than ${length}`);
      }
      const registers = Array.from({ length: registerCount }, () => new Float64Array(length));
      for (const step of steps) runStep(step, registers, values, length);
      return finiteOrNaN(registers[result]!);
    },
  };
}

function collectBands(node: ExpressionNode, bands: string[], name: string, known: readonly string[] | undefined): void {
  switch (node.kind) {
    case 'number':
      return;
    case 'band':
      if (known && !known.includes(node.name)) {
        const near = nearestKey(node.name, known);
        const hint = near === undefined ? `bands: ${known.join(', ')}` : `did you mean '${near}'?`;
        throw new ExpressionError(name, `unknown band '${node.name}'`, node.column, hint);
      }
      if (!bands.includes(node.name)) bands.push(node.name);
      return;
    case 'unary':
      return collectBands(node.operand, bands, name, known);
    case 'binary':
      collectBands(node.left, bands, name, known);
      return collectBands(node.right, bands, name, known);
    case 'call':
      for (const arg of node.args) collectBands(arg, bands, name, known);
  }
}

/** Subtrees without bands replaced by their value, computed by the same loops as at run time. */
function foldConstants(node: ExpressionNode): ExpressionNode {
  switch (node.kind) {
    case 'number':
    case 'band':
      return node;
    case 'unary': {
      const folded = { ...node, operand: foldConstants(node.operand) };
      return folded.operand.kind === 'number' ? constantOf(folded) : folded;
    }
    case 'binary': {
      const folded = { ...node, left: foldConstants(node.left), right: foldConstants(node.right) };
      return folded.left.kind === 'number' && folded.right.kind === 'number' ? constantOf(folded) : folded;
    }
    case 'call': {
      const folded = { ...node, args: node.args.map(foldConstants) };
      return folded.args.every((a) => a.kind === 'number') ? constantOf(folded) : folded;
    }
  }
}

function constantOf(node: ExpressionNode): ExpressionNode {
  const program = new Program();
  const out = program.emit(node);
  const registers = Array.from({ length: program.registerCount }, () => new Float64Array(1));
  for (const step of program.steps) runStep(step, registers, {}, 1);
  return { kind: 'number', value: registers[out]![0]!, column: node.column };
}

const FUNCTION_STEPS: Readonly<Record<FunctionName, { kind: 'unary'; op: UnaryStep } | { kind: 'binary'; op: BinaryStep } | { kind: 'ternary'; op: TernaryStep }>> = {
  where: { kind: 'ternary', op: 'where' },
  clip: { kind: 'ternary', op: 'clip' },
  min: { kind: 'binary', op: 'min' },
  max: { kind: 'binary', op: 'max' },
  pow: { kind: 'binary', op: 'pow' },
  abs: { kind: 'unary', op: 'abs' },
  sqrt: { kind: 'unary', op: 'sqrt' },
  log: { kind: 'unary', op: 'log' },
  log10: { kind: 'unary', op: 'log10' },
  exp: { kind: 'unary', op: 'exp' },
};

/** Steps in evaluation order; a register is free again once its step's reader has run. */
class Program {
  readonly steps: Step[] = [];
  registerCount = 0;
  private readonly free: number[] = [];

  private take(): number {
    return this.free.pop() ?? this.registerCount++;
  }

  /** Emits the node's steps; returns the register holding its value. */
  emit(node: ExpressionNode): number {
    switch (node.kind) {
      case 'number':
        return this.push({ kind: 'const', value: node.value }, []);
      case 'band':
        return this.push({ kind: 'band', band: node.name }, []);
      case 'unary': {
        const a = this.emit(node.operand);
        return this.push({ kind: 'unary', op: node.op === '-' ? 'neg' : 'not', a }, [a]);
      }
      case 'binary': {
        const a = this.emit(node.left);
        const b = this.emit(node.right);
        return this.push({ kind: 'binary', op: node.op, a, b }, [a, b]);
      }
      case 'call': {
        const step = FUNCTION_STEPS[node.fn];
        const args = node.args.map((arg) => this.emit(arg));
        if (step.kind === 'unary') return this.push({ kind: 'unary', op: step.op, a: args[0]! }, args);
        if (step.kind === 'ternary') return this.push({ kind: 'ternary', op: step.op, a: args[0]!, b: args[1]!, c: args[2]! }, args);
        // min and max of more than two: a chain of pairs.
        let acc = args[0]!;
        for (const next of args.slice(1)) acc = this.push({ kind: 'binary', op: step.op, a: acc, b: next }, [acc, next]);
        return acc;
      }
    }
  }

  /**
   * Adds a step writing a register; the registers it reads are freed first, so that it may
   * write over one of them (each loop reads pixel i before writing pixel i).
   */
  private push(step: DistributiveOmit<Step, 'out'>, reads: number[]): number {
    this.free.push(...reads);
    const out = this.take();
    this.steps.push({ ...step, out } as Step);
    return out;
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function runStep(step: Step, r: Float64Array[], values: Readonly<Record<string, SampleArray>>, n: number): void {
  const out = r[step.out]!;
  switch (step.kind) {
    case 'band': {
      const band = values[step.band]!;
      for (let i = 0; i < n; i++) out[i] = band[i]!;
      return;
    }
    case 'const':
      out.fill(step.value);
      return;
    case 'unary':
      return unary(step.op, r[step.a]!, out, n);
    case 'binary':
      return binary(step.op, r[step.a]!, r[step.b]!, out, n);
    case 'ternary':
      return ternary(step.op, r[step.a]!, r[step.b]!, r[step.c]!, out, n);
  }
}

function unary(op: UnaryStep, a: Float64Array, out: Float64Array, n: number): void {
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -a[i]!;
      return;
    case 'not':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        out[i] = x !== x ? Number.NaN : x === 0 ? 1 : 0;
      }
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!);
      return;
    case 'log10':
      for (let i = 0; i < n; i++) out[i] = Math.log10(a[i]!);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]!);
      return;
  }
}

function binary(op: BinaryStep, a: Float64Array, b: Float64Array, out: Float64Array, n: number): void {
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      return;
    case '-':
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      return;
    case '*':
      for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      return;
    case '/':
      for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[i]!, b[i]!);
      return;
    case 'min':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? Number.NaN : x < y ? x : y;
      }
      return;
    case 'max':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? Number.NaN : x > y ? x : y;
      }
      return;
    default:
      return logical(op, a, b, out, n);
  }
}

/** Comparisons and `and`/`or`: 1 or 0, NaN where either side is NaN. One pass each, as `out` may be `a` or `b`. */
function logical(op: '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or', a: Float64Array, b: Float64Array, out: Float64Array, n: number): void {
  const missing = Number.NaN;
  switch (op) {
    case '<':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x < y ? 1 : 0;
      }
      return;
    case '<=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x <= y ? 1 : 0;
      }
      return;
    case '>':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x > y ? 1 : 0;
      }
      return;
    case '>=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x >= y ? 1 : 0;
      }
      return;
    case '==':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x === y ? 1 : 0;
      }
      return;
    case '!=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x !== y ? 1 : 0;
      }
      return;
    case 'and':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x !== 0 && y !== 0 ? 1 : 0;
      }
      return;
    case 'or':
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== x || y !== y ? missing : x !== 0 || y !== 0 ? 1 : 0;
      }
      return;
  }
}

function ternary(op: TernaryStep, a: Float64Array, b: Float64Array, c: Float64Array, out: Float64Array, n: number): void {
  if (op === 'where') {
    for (let i = 0; i < n; i++) {
      const condition = a[i]!;
      out[i] = condition !== condition ? Number.NaN : condition !== 0 ? b[i]! : c[i]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const low = b[i]!;
    const high = c[i]!;
    out[i] = x !== x || low !== low || high !== high ? Number.NaN : x < low ? low : x > high ? high : x;
  }
}

/** The values as float32, NaN where one is not finite (before or after the narrowing). */
function finiteOrNaN(values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(values[i]!);
    out[i] = v - v === 0 ? v : Number.NaN;
  }
  return out;
}
