/**
 * Grafana's server-side expressions as the alert rules use them, read the way Grafana reads them
 * (grafana/grafana pkg/expr): the `math` lexer and grammar (pkg/expr/mathexp/parse: a variable is `$`
 * followed by letters, so `$$A` is "incomplete variable"), the `threshold` command (exactly one
 * condition, `expression` is a refId taken verbatim) and `reduce` (one leading `$` trimmed). Written
 * from that code's behaviour, not copied from it.
 *
 * Values are Grafana's number sets: each item a number with labels, as an instant query returns.
 */
import type { Labels } from './promql-eval.ts';

export interface NumberItem {
  readonly labels: Labels;
  readonly value: number;
}
export type NumberSet = readonly NumberItem[];

// ---------------------------------------------------------------- math: lexer and parser

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'var'; readonly name: string; readonly pos: number }
  | { readonly kind: 'func'; readonly name: string; readonly pos: number }
  | { readonly kind: 'op'; readonly op: string; readonly pos: number }
  | { readonly kind: '(' | ')' | ',' | 'eof'; readonly pos: number };

const SYMBOLS = '!<>=&|+-*/%';
const OPERATORS = new Set(['!', '&&', '||', '>', '<', '>=', '<=', '==', '!=', '+', '-', '*', '**', '/', '%']);
/** Functions of Grafana's math expressions (pkg/expr/mathexp/funcs.go). */
const FUNCTIONS: Record<string, (x: number) => number> = {
  abs: Math.abs,
  log: Math.log,
  round: Math.round,
  ceil: Math.ceil,
  floor: Math.floor,
  is_nan: (x) => (Number.isNaN(x) ? 1 : 0),
  is_inf: (x) => (Number.isFinite(x) || Number.isNaN(x) ? 0 : 1),
  is_number: (x) => (Number.isFinite(x) ? 1 : 0),
};

const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c);

/** Tokens of a math expression; throws with Grafana's message where Grafana's lexer would stop. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '$') {
      const start = i++;
      // Newer Grafana also accepts ${name}; the braces hold any refId.
      if (input[i] === '{') {
        const end = input.indexOf('}', i);
        if (end < 0 || end === i + 1) throw new Error(`incomplete variable at ${start}`);
        tokens.push({ kind: 'var', name: input.slice(i + 1, end), pos: start });
        i = end + 1;
        continue;
      }
      while (isLetter(input[i])) i++;
      if (i === start + 1) throw new Error(`incomplete variable at ${start}`);
      tokens.push({ kind: 'var', name: input.slice(start + 1, i), pos: start });
    } else if (SYMBOLS.includes(c)) {
      const start = i;
      while (i < input.length && SYMBOLS.includes(input[i] as string)) i++;
      const op = input.slice(start, i);
      if (!OPERATORS.has(op)) throw new Error(`invalid operator "${op}" at ${start}`);
      tokens.push({ kind: 'op', op, pos: start });
    } else if (/[0-9.]/.test(c)) {
      const match = /^(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?)/.exec(input.slice(i));
      const literal = match?.[0] ?? '';
      const value = Number(literal);
      if (literal === '' || Number.isNaN(value)) throw new Error(`bad number syntax at ${i}`);
      tokens.push({ kind: 'number', value, pos: i });
      i += literal.length;
    } else if (isLetter(c)) {
      const start = i;
      while (isLetter(input[i])) i++;
      tokens.push({ kind: 'func', name: input.slice(start, i), pos: start });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, pos: i++ });
    } else {
      throw new Error(`invalid character: ${c}`);
    }
  }
  tokens.push({ kind: 'eof', pos: input.length });
  return tokens;
}

export type MathNode =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'unary'; readonly op: string; readonly arg: MathNode }
  | { readonly kind: 'binary'; readonly op: string; readonly left: MathNode; readonly right: MathNode }
  | { readonly kind: 'call'; readonly name: string; readonly arg: MathNode };

/** A parsed math expression and the refIds it reads (`$A` → `A`). */
export interface MathExpression {
  readonly root: MathNode;
  readonly variables: readonly string[];
}

/**
 * Parses with Grafana's precedence: `||` < `&&` < comparisons < `+ -` < `* / %` < `**` < unary
 * `! -` < number, variable, function call, parentheses.
 */
export function parseMath(expression: string): MathExpression {
  const tokens = lex(expression);
  const variables: string[] = [];
  let at = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;
  const isOp = (...ops: string[]) => {
    const token = peek();
    return token.kind === 'op' && ops.includes(token.op);
  };
  const binaryLevel = (ops: string[], operand: () => MathNode) => (): MathNode => {
    let node = operand();
    while (isOp(...ops)) {
      const op = (next() as { op: string }).op;
      node = { kind: 'binary', op, left: node, right: operand() };
    }
    return node;
  };
  const primary = (): MathNode => {
    const token = next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value };
      case 'var':
        variables.push(token.name);
        return { kind: 'var', name: token.name };
      case 'func': {
        if (!FUNCTIONS[token.name]) throw new Error(`non existent function ${token.name}`);
        if (next().kind !== '(') throw new Error(`expected ( after ${token.name}`);
        const arg = or();
        if (next().kind !== ')') throw new Error(`expected ) after the argument of ${token.name}`);
        return { kind: 'call', name: token.name, arg };
      }
      case '(': {
        const inner = or();
        if (next().kind !== ')') throw new Error(`unclosed ( at ${token.pos}`);
        return inner;
      }
      case 'op':
        if (token.op === '!' || token.op === '-') return { kind: 'unary', op: token.op, arg: primary() };
        throw new Error(`unexpected "${token.op}" at ${token.pos}`);
      default:
        throw new Error(`unexpected ${token.kind} at ${token.pos}`);
    }
  };
  const power = binaryLevel(['**'], primary);
  const product = binaryLevel(['*', '/', '%'], power);
  const sum = binaryLevel(['+', '-'], product);
  const comparison = binaryLevel(['==', '!=', '>', '>=', '<', '<='], sum);
  const and = binaryLevel(['&&'], comparison);
  const or = binaryLevel(['||'], and);
  const root = or();
  if (peek().kind !== 'eof') throw new Error(`unexpected input at ${peek().pos}`);
  return { root, variables };
}

// ---------------------------------------------------------------- math: evaluation

const BINARY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
  '>': (a, b) => Number(a > b),
  '>=': (a, b) => Number(a >= b),
  '<': (a, b) => Number(a < b),
  '<=': (a, b) => Number(a <= b),
  '&&': (a, b) => Number(a !== 0 && b !== 0 && !Number.isNaN(a) && !Number.isNaN(b)),
  '||': (a, b) => Number((a !== 0 && !Number.isNaN(a)) || (b !== 0 && !Number.isNaN(b))),
};

function isSubset(a: Labels, b: Labels): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === v);
}

/**
 * Grafana's union of two number sets for a binary operation: items pair when one's labels are a
 * subset of the other's (the result takes the larger set); two single items pair regardless.
 */
function union(a: NumberSet, b: NumberSet, fn: (x: number, y: number) => number): NumberSet {
  const out: NumberItem[] = [];
  for (const x of a) {
    for (const y of b) {
      if (isSubset(x.labels, y.labels)) out.push({ labels: y.labels, value: fn(x.value, y.value) });
      else if (isSubset(y.labels, x.labels)) out.push({ labels: x.labels, value: fn(x.value, y.value) });
    }
  }
  if (out.length === 0 && a.length === 1 && b.length === 1) {
    const [x, y] = [a[0] as NumberItem, b[0] as NumberItem];
    out.push({ labels: { ...x.labels, ...y.labels }, value: fn(x.value, y.value) });
  }
  return out;
}

/** Evaluates a parsed math expression over the results of the other queries, by refId. */
export function evaluateMath(expression: MathExpression, vars: ReadonlyMap<string, NumberSet>): NumberSet {
  const walk = (node: MathNode): NumberSet => {
    switch (node.kind) {
      case 'number':
        return [{ labels: {}, value: node.value }];
      case 'var': {
        const value = vars.get(node.name);
        if (value === undefined) throw new Error(`no query or expression with refId ${node.name}`);
        return value;
      }
      case 'unary':
        return walk(node.arg).map((item) => ({
          labels: item.labels,
          value: node.op === '-' ? -item.value : Number(item.value === 0),
        }));
      case 'call': {
        const fn = FUNCTIONS[node.name] as (x: number) => number;
        return walk(node.arg).map((item) => ({ labels: item.labels, value: fn(item.value) }));
      }
      case 'binary':
        return union(walk(node.left), walk(node.right), BINARY[node.op] as (a: number, b: number) => number);
    }
  };
  return walk(expression.root);
}

// ---------------------------------------------------------------- threshold and reduce

const THRESHOLDS: Record<string, { params: number; test: (v: number, p: number[]) => boolean }> = {
  gt: { params: 1, test: (v, [a]) => v > (a as number) },
  lt: { params: 1, test: (v, [a]) => v < (a as number) },
  ge: { params: 1, test: (v, [a]) => v >= (a as number) },
  le: { params: 1, test: (v, [a]) => v <= (a as number) },
  eq: { params: 1, test: (v, [a]) => v === a },
  ne: { params: 1, test: (v, [a]) => v !== a },
  within_range: { params: 2, test: (v, [a, b]) => v > (a as number) && v < (b as number) },
  outside_range: { params: 2, test: (v, [a, b]) => v < (a as number) || v > (b as number) },
  within_range_included: { params: 2, test: (v, [a, b]) => v >= (a as number) && v <= (b as number) },
  outside_range_included: { params: 2, test: (v, [a, b]) => v <= (a as number) || v >= (b as number) },
};

export interface ThresholdModel {
  readonly expression?: unknown;
  readonly conditions?: ReadonlyArray<{
    readonly evaluator?: { readonly type?: unknown; readonly params?: unknown };
  }>;
}

/** The refId a threshold reads and its test, or an error as Grafana would refuse the model. */
export function parseThreshold(model: ThresholdModel): { refId: string; test: (v: number) => boolean } {
  if (typeof model.expression !== 'string' || model.expression === '')
    throw new Error('threshold: no variable specified to reference');
  if (model.conditions?.length !== 1) throw new Error('threshold expression requires exactly one condition');
  const evaluator = model.conditions[0]?.evaluator;
  const kind = THRESHOLDS[String(evaluator?.type)];
  if (!kind) throw new Error(`threshold: unknown evaluator type ${String(evaluator?.type)}`);
  const params = evaluator?.params;
  if (!Array.isArray(params) || params.length < kind.params || !params.every((p) => typeof p === 'number'))
    throw new Error(`threshold ${String(evaluator?.type)}: needs ${kind.params} numeric params`);
  return { refId: model.expression, test: (v) => kind.test(v, params as number[]) };
}

const REDUCERS = new Set(['sum', 'mean', 'min', 'max', 'count', 'last', 'median']);

/** The refId a reduce reads (one leading `$` trimmed, as Grafana does) and its reducer. */
export function parseReduce(model: { readonly expression?: unknown; readonly reducer?: unknown }): {
  refId: string;
  reducer: string;
} {
  if (typeof model.expression !== 'string' || model.expression === '')
    throw new Error('reduce: no expression ID is specified to reduce');
  const reducer = String(model.reducer ?? '').toLowerCase();
  if (!REDUCERS.has(reducer)) throw new Error(`reduce: unknown reducer ${String(model.reducer)}`);
  return { refId: model.expression.replace(/^\$/, ''), reducer };
}
