/**
 * A small PromQL evaluator over recorded samples, enough for the stack's own alert and recording
 * rules: selectors with matchers, `offset`, subqueries, `rate` / `increase` (with Prometheus's
 * extrapolation), the `*_over_time` family, `absent`, `vector`, aggregations with `by` / `without`,
 * arithmetic, comparisons (`bool` too) and `and` / `or` / `unless` with `on` / `ignoring`.
 * Expressions are parsed with the lezer grammar the query-syntax test uses, so what is evaluated here
 * is what Prometheus parses. Anything outside that subset throws instead of guessing.
 *
 * Recording rules: a selector of a recorded name is answered by evaluating the rule's expression at
 * that time (rule labels added), as if Prometheus had recorded it on every evaluation.
 */
import { childrenOf, parseQuery, type SyntaxNode } from './query-parser.ts';

export type Labels = Readonly<Record<string, string>>;
export interface Sample {
  /** Milliseconds. */
  readonly t: number;
  readonly v: number;
}
export interface SeriesData {
  readonly labels: Labels;
  readonly samples: readonly Sample[];
}
export interface VectorElement {
  readonly labels: Labels;
  readonly value: number;
}
export type InstantVector = readonly VectorElement[];

/** Samples by series, in time order per series. */
export class SampleStore {
  readonly #series = new Map<string, { labels: Labels; samples: Sample[] }>();

  /** Appends one sample (`labels` includes `__name__`). */
  add(labels: Labels, t: number, v: number): void {
    const key = labelsKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: { ...labels }, samples: [] };
      this.#series.set(key, series);
    }
    series.samples.push({ t, v });
    series.samples.sort((a, b) => a.t - b.t);
  }

  series(): SeriesData[] {
    return [...this.#series.values()];
  }
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Labels;
}

export interface EvalOptions {
  /** How far back an instant selector looks for a sample. @default 5 min (Prometheus's default) */
  readonly lookbackMs?: number;
  /** Rules whose recorded series selectors read. */
  readonly rules?: readonly RecordingRule[];
  /** Step of a recorded series read over a range. @default 60 s */
  readonly ruleIntervalMs?: number;
}

type Value =
  | { readonly type: 'scalar'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'vector'; readonly vector: InstantVector }
  | { readonly type: 'matrix'; readonly series: readonly SeriesData[] };

interface Context {
  readonly expr: string;
  readonly store: SampleStore;
  readonly lookbackMs: number;
  /** Rules by recorded name: several groups may record the same name with their own labels. */
  readonly rules: ReadonlyMap<string, readonly RecordingRule[]>;
  readonly ruleIntervalMs: number;
  readonly depth: number;
}

/** The PromQL grammar's node names that are expressions (the rest are keywords, modifiers, names). */
export const EXPRESSION_NODES: ReadonlySet<string> = new Set([
  'VectorSelector',
  'MatrixSelector',
  'OffsetExpr',
  'SubqueryExpr',
  'FunctionCall',
  'AggregateExpr',
  'BinaryExpr',
  'UnaryExpr',
  'ParenExpr',
  'NumberDurationLiteral',
  'StringLiteral',
]);

/** Evaluates `expr` at `t` (ms): an instant vector, or a number for a scalar expression. */
export function evaluateInstant(
  expr: string,
  t: number,
  store: SampleStore,
  options: EvalOptions = {},
): InstantVector | number {
  const ctx: Context = {
    expr,
    store,
    lookbackMs: options.lookbackMs ?? 5 * 60_000,
    rules: groupRules(options.rules ?? []),
    ruleIntervalMs: options.ruleIntervalMs ?? 60_000,
    depth: 0,
  };
  const value = evaluateExpr(ctx, expr, t);
  if (value.type === 'scalar') return value.value;
  if (value.type === 'vector') return value.vector;
  throw new Error(`${expr}: evaluates to a ${value.type}, not an instant vector or scalar`);
}

function groupRules(rules: readonly RecordingRule[]): Map<string, RecordingRule[]> {
  const byName = new Map<string, RecordingRule[]>();
  for (const rule of rules) byName.set(rule.record, [...(byName.get(rule.record) ?? []), rule]);
  return byName;
}

function evaluateExpr(ctx: Context, expr: string, t: number): Value {
  const { tree, errors } = parseQuery('promql', expr);
  if (errors.length > 0) throw new Error(`${expr}: ${errors.join('; ')}`);
  const top = expressionChildren(tree.topNode)[0];
  if (!top) throw new Error(`${expr}: empty`);
  return evaluate({ ...ctx, expr }, top, t);
}

function text(ctx: Context, node: SyntaxNode): string {
  return ctx.expr.slice(node.from, node.to);
}

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  return childrenOf(node).filter((child) => EXPRESSION_NODES.has(child.name));
}

function evaluate(ctx: Context, node: SyntaxNode, t: number): Value {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return { type: 'scalar', value: parseNumber(text(ctx, node)) };
    case 'StringLiteral':
      return { type: 'string', value: unquote(text(ctx, node)) };
    case 'ParenExpr':
      return evaluate(ctx, only(expressionChildren(node), node, ctx), t);
    case 'VectorSelector':
      return { type: 'vector', vector: instantSelect(ctx, node, t) };
    case 'MatrixSelector': {
      const selector = childrenOf(node).find((c) => c.name === 'VectorSelector');
      const range = childrenOf(node).find((c) => c.name === 'DurationExpr');
      if (!selector || !range) throw new Error(`${text(ctx, node)}: unsupported matrix selector`);
      return { type: 'matrix', series: rangeSelect(ctx, selector, t, parseDuration(text(ctx, range))) };
    }
    case 'OffsetExpr': {
      const inner = only(expressionChildren(node), node, ctx);
      const offset = childrenOf(node).find((c) => c.name === 'OffsetDurationExpr');
      if (!offset) throw new Error(`${text(ctx, node)}: no offset`);
      return evaluate(ctx, inner, t - parseDuration(text(ctx, offset)));
    }
    case 'SubqueryExpr':
      return subquery(ctx, node, t);
    case 'UnaryExpr': {
      const op = childrenOf(node).find((c) => c.name === 'UnaryOp');
      const inner = evaluate(ctx, only(expressionChildren(node), node, ctx), t);
      if (text(ctx, op ?? node).trim() !== '-') return inner;
      if (inner.type === 'scalar') return { type: 'scalar', value: -inner.value };
      if (inner.type === 'vector')
        return {
          type: 'vector',
          vector: inner.vector.map((e) => ({ labels: dropName(e.labels), value: -e.value })),
        };
      throw new Error(`${text(ctx, node)}: cannot negate a ${inner.type}`);
    }
    case 'FunctionCall':
      return callFunction(ctx, node, t);
    case 'AggregateExpr':
      return aggregate(ctx, node, t);
    case 'BinaryExpr':
      return binary(ctx, node, t);
    default:
      throw new Error(`${text(ctx, node)}: ${node.name} is not supported by this evaluator`);
  }
}

function only(nodes: SyntaxNode[], parent: SyntaxNode, ctx: Context): SyntaxNode {
  if (nodes.length !== 1 || !nodes[0]) throw new Error(`${text(ctx, parent)}: expected one expression`);
  return nodes[0];
}

// ---------------------------------------------------------------- selectors

interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

function matchersOf(ctx: Context, selector: SyntaxNode): Matcher[] {
  const matchers: Matcher[] = [];
  for (const child of childrenOf(selector)) {
    if (child.name === 'Identifier') matchers.push({ name: '__name__', op: '=', value: text(ctx, child) });
    if (child.name !== 'LabelMatchers') continue;
    for (const m of childrenOf(child)) {
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') {
        if (m.name === 'QuotedLabelName')
          matchers.push({ name: '__name__', op: '=', value: unquote(text(ctx, m)) });
        continue;
      }
      const [nameNode, opNode, valueNode] = childrenOf(m);
      if (!nameNode || !opNode || !valueNode) throw new Error(`${text(ctx, m)}: bad matcher`);
      const name = nameNode.name === 'QuotedLabelName' ? unquote(text(ctx, nameNode)) : text(ctx, nameNode);
      matchers.push({ name, op: text(ctx, opNode) as Matcher['op'], value: unquote(text(ctx, valueNode)) });
    }
  }
  return matchers;
}

function matches(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      default:
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

/**
 * The recording rules a selector reads, undefined for a raw metric. Rules whose own labels the
 * selector excludes are skipped (their series could not match).
 */
function rulesFor(ctx: Context, matchers: readonly Matcher[]): RecordingRule[] | undefined {
  const name = matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  const rules = name === undefined ? undefined : ctx.rules.get(name);
  return rules?.filter((rule) =>
    matchers.every((m) => rule.labels?.[m.name] === undefined || matches(rule.labels, [m])),
  );
}

/** The series a selector reads, raw or recorded, with their samples in (from, to]. */
function selectSeries(ctx: Context, selector: SyntaxNode, from: number, to: number): SeriesData[] {
  const matchers = matchersOf(ctx, selector);
  const rules = rulesFor(ctx, matchers);
  if (rules)
    return rules
      .flatMap((rule) => recordedSeries(ctx, rule, from, to))
      .filter((s) => matches(s.labels, matchers));
  return ctx.store
    .series()
    .filter((s) => matches(s.labels, matchers))
    .map((s) => ({ labels: s.labels, samples: s.samples.filter((p) => p.t > from && p.t <= to) }))
    .filter((s) => s.samples.length > 0);
}

/** What Prometheus would have recorded for `rule` at each rule interval in (from, to]. */
function recordedSeries(ctx: Context, rule: RecordingRule, from: number, to: number): SeriesData[] {
  if (ctx.depth > 8) throw new Error(`recording rule ${rule.record} refers to itself`);
  const inner: Context = { ...ctx, depth: ctx.depth + 1 };
  const byKey = new Map<string, { labels: Labels; samples: Sample[] }>();
  const step = ctx.ruleIntervalMs;
  // Evaluation times are multiples of the interval, as a rule group's are (up to a phase).
  for (let at = Math.floor(to / step) * step; at > from; at -= step) {
    const value = evaluateExpr(inner, rule.expr, at);
    if (value.type !== 'vector') throw new Error(`${rule.record}: a recording rule must give a vector`);
    for (const element of value.vector) {
      const labels = { ...dropName(element.labels), ...rule.labels, __name__: rule.record };
      const key = labelsKey(labels);
      let series = byKey.get(key);
      if (!series) {
        series = { labels, samples: [] };
        byKey.set(key, series);
      }
      series.samples.unshift({ t: at, v: element.value });
    }
  }
  return [...byKey.values()];
}

function instantSelect(ctx: Context, selector: SyntaxNode, t: number): InstantVector {
  const matchers = matchersOf(ctx, selector);
  const rules = rulesFor(ctx, matchers);
  if (rules) {
    // A recorded series read now is its rules evaluated at their last evaluation time.
    const at = Math.floor(t / ctx.ruleIntervalMs) * ctx.ruleIntervalMs;
    return rules
      .flatMap((rule) => recordedSeries(ctx, rule, at - 1, at))
      .filter((s) => matches(s.labels, matchers))
      .map((s) => ({ labels: s.labels, value: (s.samples.at(-1) as Sample).v }));
  }
  return selectSeries(ctx, selector, t - ctx.lookbackMs, t).map((s) => ({
    labels: s.labels,
    value: (s.samples.at(-1) as Sample).v,
  }));
}

function rangeSelect(ctx: Context, selector: SyntaxNode, t: number, rangeMs: number): SeriesData[] {
  return selectSeries(ctx, selector, t - rangeMs, t);
}

function subquery(ctx: Context, node: SyntaxNode, t: number): Value {
  const inner = expressionChildren(node)[0];
  const durations = childrenOf(node).filter((c) => c.name === 'DurationExpr');
  if (!inner || durations.length !== 2) throw new Error(`${text(ctx, node)}: a subquery needs [range:step]`);
  const range = parseDuration(text(ctx, durations[0] as SyntaxNode));
  const step = parseDuration(text(ctx, durations[1] as SyntaxNode));
  const byKey = new Map<string, { labels: Labels; samples: Sample[] }>();
  for (let at = Math.floor(t / step) * step; at > t - range; at -= step) {
    const value = evaluate(ctx, inner, at);
    if (value.type !== 'vector') throw new Error(`${text(ctx, node)}: subquery of a ${value.type}`);
    for (const element of value.vector) {
      const key = labelsKey(element.labels);
      const series = byKey.get(key) ?? { labels: element.labels, samples: [] };
      series.samples.unshift({ t: at, v: element.value });
      byKey.set(key, series);
    }
  }
  return { type: 'matrix', series: [...byKey.values()] };
}

// ---------------------------------------------------------------- functions

function callFunction(ctx: Context, node: SyntaxNode, t: number): Value {
  const name = text(ctx, childrenOf(node).find((c) => c.name === 'FunctionIdentifier') ?? node);
  const body = childrenOf(node).find((c) => c.name === 'FunctionCallBody');
  const args = body ? expressionChildren(body).map((arg) => evaluate(ctx, arg, t)) : [];
  const matrix = (i = 0): readonly SeriesData[] => {
    const arg = args[i];
    if (arg?.type !== 'matrix') throw new Error(`${text(ctx, node)}: argument ${i + 1} must be a range`);
    return arg.series;
  };
  const vector = (i = 0): InstantVector => {
    const arg = args[i];
    if (arg?.type !== 'vector') throw new Error(`${text(ctx, node)}: argument ${i + 1} must be a vector`);
    return arg.vector;
  };
  const scalar = (i: number): number => {
    const arg = args[i];
    if (arg?.type !== 'scalar') throw new Error(`${text(ctx, node)}: argument ${i + 1} must be a number`);
    return arg.value;
  };
  const rangeOf = (): number => {
    const arg = body && expressionChildren(body)[0];
    const range = arg && findDescendant(arg, 'DurationExpr');
    if (!range) throw new Error(`${text(ctx, node)}: no range`);
    return parseDuration(text(ctx, range));
  };
  const overTime = (reduce: (values: number[], samples: readonly Sample[]) => number | undefined): Value => ({
    type: 'vector',
    vector: matrix().flatMap((s) => {
      const value = reduce(
        s.samples.map((p) => p.v),
        s.samples,
      );
      return value === undefined ? [] : [{ labels: dropName(s.labels), value }];
    }),
  });
  switch (name) {
    case 'rate':
    case 'increase': {
      const rangeMs = rangeOf();
      return overTime((_values, samples) => extrapolatedRate(samples, t, rangeMs, name === 'rate'));
    }
    case 'sum_over_time':
      return overTime((values) => values.reduce((a, b) => a + b, 0));
    case 'avg_over_time':
      return overTime((values) => values.reduce((a, b) => a + b, 0) / values.length);
    case 'min_over_time':
      return overTime((values) => Math.min(...values));
    case 'max_over_time':
      return overTime((values) => Math.max(...values));
    case 'count_over_time':
      return overTime((values) => values.length);
    case 'last_over_time':
      return overTime((values) => values.at(-1));
    case 'deriv':
      return overTime((_values, samples) => (samples.length < 2 ? undefined : slope(samples)));
    case 'absent_over_time':
      return matrix().length > 0
        ? { type: 'vector', vector: [] }
        : { type: 'vector', vector: [{ labels: {}, value: 1 }] };
    case 'absent':
      return vector().length > 0
        ? { type: 'vector', vector: [] }
        : { type: 'vector', vector: [{ labels: {}, value: 1 }] };
    case 'vector':
      return { type: 'vector', vector: [{ labels: {}, value: scalar(0) }] };
    case 'time':
      return { type: 'scalar', value: t / 1000 };
    case 'clamp_min':
      return mapVector(vector(), (v) => Math.max(v, scalar(1)));
    case 'clamp_max':
      return mapVector(vector(), (v) => Math.min(v, scalar(1)));
    case 'abs':
      return mapVector(vector(), Math.abs);
    default:
      throw new Error(`${text(ctx, node)}: function ${name} is not supported by this evaluator`);
  }
}

function mapVector(vector: InstantVector, fn: (v: number) => number): Value {
  return { type: 'vector', vector: vector.map((e) => ({ labels: dropName(e.labels), value: fn(e.value) })) };
}

function findDescendant(node: SyntaxNode, name: string): SyntaxNode | undefined {
  if (node.name === name) return node;
  for (const child of childrenOf(node)) {
    const found = findDescendant(child, name);
    if (found) return found;
  }
  return undefined;
}

/** Prometheus's extrapolatedRate (promql/functions.go) for counters, range (t - range, t]. */
function extrapolatedRate(
  samples: readonly Sample[],
  t: number,
  rangeMs: number,
  isRate: boolean,
): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  let result = last.v - first.v;
  for (let i = 1; i < samples.length; i++) {
    const previous = (samples[i - 1] as Sample).v;
    if ((samples[i] as Sample).v < previous) result += previous;
  }
  const rangeStart = t - rangeMs;
  let durationToStart = (first.t - rangeStart) / 1000;
  const durationToEnd = (t - last.t) / 1000;
  const sampled = (last.t - first.t) / 1000;
  const average = sampled / (samples.length - 1);
  if (result > 0 && first.v >= 0) {
    const durationToZero = sampled * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = average * 1.1;
  let extrapolateTo = sampled;
  extrapolateTo += durationToStart >= threshold ? average / 2 : durationToStart;
  extrapolateTo += durationToEnd >= threshold ? average / 2 : durationToEnd;
  let factor = extrapolateTo / sampled;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}

function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  const xs = samples.map((s) => s.t / 1000);
  const ys = samples.map((s) => s.v);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return num / den;
}

// ---------------------------------------------------------------- aggregations

function aggregate(ctx: Context, node: SyntaxNode, t: number): Value {
  const op = text(ctx, childrenOf(node).find((c) => c.name === 'AggregateOp') ?? node);
  const modifier = childrenOf(node).find((c) => c.name === 'AggregateModifier');
  const body = childrenOf(node).find((c) => c.name === 'FunctionCallBody');
  const args = body ? expressionChildren(body) : [];
  const arg = args.at(-1);
  if (!arg || args.length !== 1)
    throw new Error(`${text(ctx, node)}: ${op} with parameters is not supported`);
  const input = evaluate(ctx, arg, t);
  if (input.type !== 'vector') throw new Error(`${text(ctx, node)}: ${op} of a ${input.type}`);
  const without = modifier ? childrenOf(modifier).some((c) => c.name === 'Without') : false;
  const grouping = modifier ? groupingLabels(ctx, modifier) : [];
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const element of input.vector) {
    const labels = without
      ? Object.fromEntries(
          Object.entries(element.labels).filter(([k]) => k !== '__name__' && !grouping.includes(k)),
        )
      : Object.fromEntries(grouping.flatMap((k) => (element.labels[k] ? [[k, element.labels[k]]] : [])));
    const key = labelsKey(labels);
    const group = groups.get(key) ?? { labels, values: [] };
    group.values.push(element.value);
    groups.set(key, group);
  }
  const reduce: Record<string, (values: number[]) => number> = {
    sum: (v) => v.reduce((a, b) => a + b, 0),
    min: (v) => Math.min(...v),
    max: (v) => Math.max(...v),
    avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    count: (v) => v.length,
    group: () => 1,
  };
  const fn = reduce[op];
  if (!fn) throw new Error(`${text(ctx, node)}: aggregation ${op} is not supported by this evaluator`);
  return {
    type: 'vector',
    vector: [...groups.values()].map((g) => ({ labels: g.labels, value: fn(g.values) })),
  };
}

function groupingLabels(ctx: Context, node: SyntaxNode): string[] {
  const grouping = childrenOf(node).find((c) => c.name === 'GroupingLabels');
  return grouping
    ? childrenOf(grouping)
        .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
        .map((c) => (c.name === 'QuotedLabelName' ? unquote(text(ctx, c)) : text(ctx, c)))
    : [];
}

// ---------------------------------------------------------------- binary operators

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Mod: (a, b) => a % b,
  Pow: (a, b) => a ** b,
};
const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  Eql: (a, b) => a === b,
  Neq: (a, b) => a !== b,
  Gtr: (a, b) => a > b,
  Lss: (a, b) => a < b,
  Gte: (a, b) => a >= b,
  Lte: (a, b) => a <= b,
};
const SET_OPS = new Set(['And', 'Or', 'Unless']);

function binary(ctx: Context, node: SyntaxNode, t: number): Value {
  const parts = childrenOf(node);
  const [leftNode, rightNode] = expressionChildren(node);
  const opNode = parts.find((c) => ARITHMETIC[c.name] || COMPARISON[c.name] || SET_OPS.has(c.name));
  if (!leftNode || !rightNode || !opNode) throw new Error(`${text(ctx, node)}: bad binary expression`);
  const op = opNode.name;
  const returnBool = parts.some((c) => c.name === 'BoolModifier');
  const matching = parts.find((c) => c.name === 'MatchingModifierClause');
  const on = matching ? childrenOf(matching).some((c) => c.name === 'On') : false;
  const matchLabels = matching ? groupingLabels(ctx, matching) : [];
  const groupLeft = matching ? childrenOf(matching).some((c) => c.name === 'GroupLeft') : false;
  const left = evaluate(ctx, leftNode, t);
  const right = evaluate(ctx, rightNode, t);
  const signature = (labels: Labels): string =>
    labelsKey(
      Object.fromEntries(
        Object.entries(labels).filter(([k]) =>
          on ? matchLabels.includes(k) : k !== '__name__' && !matchLabels.includes(k),
        ),
      ),
    );

  if (SET_OPS.has(op)) {
    if (left.type !== 'vector' || right.type !== 'vector')
      throw new Error(`${text(ctx, node)}: ${op} needs vectors`);
    const rightKeys = new Set(right.vector.map((e) => signature(e.labels)));
    if (op === 'And')
      return { type: 'vector', vector: left.vector.filter((e) => rightKeys.has(signature(e.labels))) };
    if (op === 'Unless')
      return { type: 'vector', vector: left.vector.filter((e) => !rightKeys.has(signature(e.labels))) };
    const leftKeys = new Set(left.vector.map((e) => signature(e.labels)));
    return {
      type: 'vector',
      vector: [...left.vector, ...right.vector.filter((e) => !leftKeys.has(signature(e.labels)))],
    };
  }

  const apply = (a: number, b: number): number | undefined => {
    const arithmetic = ARITHMETIC[op];
    if (arithmetic) return arithmetic(a, b);
    const holds = (COMPARISON[op] as (a: number, b: number) => boolean)(a, b);
    if (returnBool) return holds ? 1 : 0;
    return holds ? a : undefined;
  };
  const isComparison = COMPARISON[op] !== undefined;
  const keepName = isComparison && !returnBool;

  if (left.type === 'scalar' && right.type === 'scalar') {
    if (isComparison && !returnBool) throw new Error(`${text(ctx, node)}: comparing numbers needs bool`);
    return { type: 'scalar', value: apply(left.value, right.value) as number };
  }
  if (left.type === 'vector' && right.type === 'scalar') {
    return {
      type: 'vector',
      vector: left.vector.flatMap((e) => {
        const value = apply(e.value, right.value);
        return value === undefined ? [] : [{ labels: keepName ? e.labels : dropName(e.labels), value }];
      }),
    };
  }
  if (left.type === 'scalar' && right.type === 'vector') {
    return {
      type: 'vector',
      vector: right.vector.flatMap((e) => {
        const value = apply(left.value, e.value);
        // A filtering comparison keeps the vector's value.
        const kept = value === undefined ? undefined : isComparison && !returnBool ? e.value : value;
        return kept === undefined ? [] : [{ labels: keepName ? e.labels : dropName(e.labels), value: kept }];
      }),
    };
  }
  if (left.type !== 'vector' || right.type !== 'vector') throw new Error(`${text(ctx, node)}: bad operands`);
  const byKey = new Map<string, VectorElement[]>();
  for (const e of right.vector)
    byKey.set(signature(e.labels), [...(byKey.get(signature(e.labels)) ?? []), e]);
  const out: VectorElement[] = [];
  for (const l of left.vector) {
    const matched = byKey.get(signature(l.labels)) ?? [];
    if (matched.length > 1) throw new Error(`${text(ctx, node)}: many-to-many matching`);
    const r = matched[0];
    if (!r) continue;
    const value = apply(l.value, r.value);
    if (value === undefined) continue;
    let labels: Labels = keepName ? l.labels : dropName(l.labels);
    if (on && !groupLeft)
      labels = Object.fromEntries(Object.entries(labels).filter(([k]) => matchLabels.includes(k)));
    out.push({ labels, value });
  }
  if (!groupLeft) {
    const seen = new Set<string>();
    for (const e of out) {
      const key = labelsKey(e.labels);
      if (seen.has(key)) throw new Error(`${text(ctx, node)}: duplicate series in a one-to-one match`);
      seen.add(key);
    }
  }
  return { type: 'vector', vector: out };
}

// ---------------------------------------------------------------- helpers

export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function dropName(labels: Labels): Labels {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

function unquote(literal: string): string {
  const quote = literal[0];
  if (quote === '`') return literal.slice(1, -1);
  if (quote === "'") return JSON.parse(`"${literal.slice(1, -1).replace(/"/g, '\\"')}"`);
  return JSON.parse(literal);
}

function parseNumber(literal: string): number {
  const value = Number(literal);
  if (Number.isNaN(value) && !/^nan$/i.test(literal)) throw new Error(`not a number: ${literal}`);
  return value;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A PromQL duration such as `5m`, `1h30m`, `3d`, in milliseconds. */
export function parseDuration(duration: string): number {
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration.trim())
    throw new Error(`not a duration: ${duration}`);
  return parts.reduce((total, [, n, unit]) => total + Number(n) * (UNIT_MS[unit as string] as number), 0);
}
