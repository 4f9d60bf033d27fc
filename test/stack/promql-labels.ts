/**
 * Which labels each part of a PromQL expression has, given the labels each stored metric has, so a
 * query can be checked label by label against the metric it reads: `error_type` on
 * `bot_update_duration_seconds_bucket` must be a label of that histogram, not merely of some other
 * series (`bot_errors_total` has one too). A matcher on a missing label still "works" in Prometheus
 * (`error_type=~"|x"` matches every series without it), which is why a lost label goes unnoticed.
 *
 * Label sets follow Prometheus's own rules: an aggregation keeps its `by` labels (or drops its
 * `without` ones), a one-to-one binary operation keeps the left side's labels (only the `on` ones
 * when `on` is given), `group_left` / `group_right` add theirs, `or` unites both sides,
 * `label_replace` / `label_join` / `count_values` create one. A metric whose labels are unknown
 * (not exported, reported by the name check) matches anything, so it is not reported twice.
 */
import { EXPRESSION_NODES } from './promql-eval.ts';
import { childrenOf, parseQuery, type SyntaxNode } from './query-parser.ts';

/** The labels of a stored metric (Prometheus names, `__name__` excluded); undefined when unknown. */
export type LabelSchema = (metric: string) => ReadonlySet<string> | undefined;

/** A label set, `any` when built on an unknown metric, `scalar` for numbers and strings. */
type Labels = ReadonlySet<string> | 'any' | 'scalar';

/** Aggregations whose result keeps each input series' labels. */
const KEEP_LABELS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
/** Functions whose result has no labels. */
const NO_LABELS = new Set(['vector', 'absent', 'absent_over_time', 'time', 'scalar', 'pi']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);

interface Walk {
  readonly expr: string;
  readonly where: string;
  readonly schema: LabelSchema;
  /** Problems found; undefined when only the labels are wanted. */
  readonly problems?: string[];
}

function text(walk: Walk, node: SyntaxNode): string {
  return walk.expr.slice(node.from, node.to);
}

function unquote(literal: string): string {
  return literal.startsWith('`') ? literal.slice(1, -1) : JSON.parse(`"${literal.slice(1, -1)}"`);
}

function expressionsIn(node: SyntaxNode): SyntaxNode[] {
  return childrenOf(node).filter((c) => EXPRESSION_NODES.has(c.name));
}

function labelNames(walk: Walk, grouping: SyntaxNode | undefined): string[] {
  return (grouping ? childrenOf(grouping) : [])
    .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
    .map((c) => (c.name === 'QuotedLabelName' ? unquote(text(walk, c)) : text(walk, c)));
}

function union(a: Labels, b: Labels): Labels {
  if (a === 'scalar') return b;
  if (b === 'scalar') return a;
  if (a === 'any' || b === 'any') return 'any';
  return new Set([...a, ...b]);
}

function keepOnly(labels: Labels, names: readonly string[]): Labels {
  if (labels === 'scalar') return labels;
  return new Set(labels === 'any' ? names : names.filter((n) => labels.has(n)));
}

function without(labels: Labels, names: readonly string[]): Labels {
  if (labels === 'scalar' || labels === 'any') return labels;
  return new Set([...labels].filter((l) => !names.includes(l)));
}

/** Reports each of `names` that `labels` lacks, saying where and what it was looked for on. */
function expectLabels(walk: Walk, labels: Labels, names: readonly string[], on: string): void {
  if (!walk.problems || labels === 'any') return;
  const have = labels === 'scalar' ? new Set<string>() : labels;
  for (const name of names) {
    if (!have.has(name))
      walk.problems.push(
        `${walk.where}: label ${name} is not on ${on} (it has: ${[...have].sort().join(', ') || 'none'})`,
      );
  }
}

function selectorLabels(walk: Walk, node: SyntaxNode): Labels {
  const identifier = childrenOf(node).find((c) => c.name === 'Identifier');
  let name = identifier ? text(walk, identifier) : undefined;
  const matchers: string[] = [];
  for (const group of childrenOf(node).filter((c) => c.name === 'LabelMatchers')) {
    for (const m of childrenOf(group)) {
      if (m.name === 'QuotedLabelName') name = unquote(text(walk, m)); // {"utf8.metric"}
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const [labelNode, opNode, valueNode] = childrenOf(m);
      if (!labelNode) continue;
      const label =
        labelNode.name === 'QuotedLabelName' ? unquote(text(walk, labelNode)) : text(walk, labelNode);
      if (label !== '__name__') matchers.push(label);
      else if (opNode?.firstChild?.name === 'EqlSingle' && valueNode) name = unquote(text(walk, valueNode));
      else name = undefined; // a regex on __name__ reads no metric in particular
    }
  }
  const labels = name === undefined ? undefined : walk.schema(name);
  if (!labels || name === undefined) return 'any';
  expectLabels(walk, labels, matchers, name);
  return labels;
}

function functionLabels(walk: Walk, node: SyntaxNode): Labels {
  const fn = text(walk, childrenOf(node).find((c) => c.name === 'FunctionIdentifier') ?? node);
  const body = childrenOf(node).find((c) => c.name === 'FunctionCallBody');
  const args = body ? expressionsIn(body) : [];
  const values = args.map((a) => labelsOf(walk, a));
  if (NO_LABELS.has(fn)) return new Set();
  if (fn === 'histogram_quantile') return without(values[1] ?? 'scalar', ['le']);
  if (fn === 'label_replace' || fn === 'label_join') {
    const strings = args.slice(1).map((a) => (a.name === 'StringLiteral' ? unquote(text(walk, a)) : ''));
    const [target, ...rest] = strings;
    // label_replace(v, dst, replacement, src, regex); label_join(v, dst, separator, src...)
    const sources = fn === 'label_replace' ? rest.slice(1, 2) : rest.slice(1);
    const input = values[0] ?? 'scalar';
    expectLabels(walk, input, sources, text(walk, args[0] ?? node));
    return target ? union(input, new Set([target])) : input;
  }
  return values.reduce<Labels>((all, v) => union(all, v), 'scalar');
}

function aggregateLabels(walk: Walk, node: SyntaxNode): Labels {
  const op = text(walk, childrenOf(node).find((c) => c.name === 'AggregateOp') ?? node);
  const modifier = childrenOf(node).find((c) => c.name === 'AggregateModifier');
  const body = childrenOf(node).find((c) => c.name === 'FunctionCallBody');
  const args = body ? expressionsIn(body) : [];
  const operand = args.at(-1);
  const input = operand ? labelsOf(walk, operand) : 'scalar';
  for (const arg of args.slice(0, -1)) labelsOf(walk, arg);
  const names = labelNames(
    walk,
    childrenOf(modifier ?? node).find((c) => c.name === 'GroupingLabels'),
  );
  const operandText = operand ? text(walk, operand) : '';
  expectLabels(walk, input, names, operandText);
  if (KEEP_LABELS.has(op)) return input;
  const isWithout = childrenOf(modifier ?? node).some((c) => c.name === 'Without');
  let output = isWithout ? without(input, names) : keepOnly(input, modifier ? names : []);
  if (op === 'count_values' && args[0]?.name === 'StringLiteral')
    output = union(output, new Set([unquote(text(walk, args[0]))]));
  return output;
}

function binaryLabels(walk: Walk, node: SyntaxNode): Labels {
  const [lhs, rhs] = expressionsIn(node);
  const left = lhs ? labelsOf(walk, lhs) : 'scalar';
  const right = rhs ? labelsOf(walk, rhs) : 'scalar';
  if (left === 'scalar' || right === 'scalar') return left === 'scalar' ? right : left;
  const op = childrenOf(node).find(
    (c) => !EXPRESSION_NODES.has(c.name) && c.name !== 'MatchingModifierClause',
  );
  const clause = childrenOf(node).find((c) => c.name === 'MatchingModifierClause');
  const parts = clause ? childrenOf(clause) : [];
  const groupings = parts.filter((c) => c.name === 'GroupingLabels');
  const matching = parts.some((c) => c.name === 'On' || c.name === 'Ignoring')
    ? labelNames(walk, groupings[0])
    : [];
  const isOn = parts.some((c) => c.name === 'On');
  const groupLeft = parts.some((c) => c.name === 'GroupLeft');
  const groupRight = parts.some((c) => c.name === 'GroupRight');
  const extra = groupLeft || groupRight ? labelNames(walk, groupings.at(-1)) : [];
  if (isOn) {
    expectLabels(walk, left, matching, text(walk, lhs as SyntaxNode));
    expectLabels(walk, right, matching, text(walk, rhs as SyntaxNode));
  }
  // group_left(extra) copies `extra` from the "one" side, the right; group_right from the left.
  if (groupLeft) expectLabels(walk, right, extra, text(walk, rhs as SyntaxNode));
  if (groupRight) expectLabels(walk, left, extra, text(walk, lhs as SyntaxNode));
  if (op && SET_OPERATORS.has(op.name)) return op.name === 'Or' ? union(left, right) : left;
  if (groupLeft) return union(left, keepOnly(right, extra));
  if (groupRight) return union(right, keepOnly(left, extra));
  if (isOn) return keepOnly(left, matching);
  return without(left, matching);
}

function labelsOf(walk: Walk, node: SyntaxNode): Labels {
  switch (node.name) {
    case 'VectorSelector':
      return selectorLabels(walk, node);
    case 'FunctionCall':
      return functionLabels(walk, node);
    case 'AggregateExpr':
      return aggregateLabels(walk, node);
    case 'BinaryExpr':
      return binaryLabels(walk, node);
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return 'scalar';
    default: {
      // PromQL, MatrixSelector, OffsetExpr, SubqueryExpr, UnaryExpr, ParenExpr: their one operand.
      const inner = expressionsIn(node)[0];
      return inner ? labelsOf(walk, inner) : 'scalar';
    }
  }
}

function parsed(expr: string, where: string) {
  const { tree, errors } = parseQuery('promql', expr);
  if (errors.length > 0) throw new Error(`${where}: ${errors.join('; ')}: ${expr}`);
  return tree.topNode;
}

/** The labels of the series `expr` returns; undefined when they cannot be known (an unknown metric). */
export function outputLabels(expr: string, schema: LabelSchema): ReadonlySet<string> | undefined {
  const labels = labelsOf({ expr, where: expr, schema }, parsed(expr, expr));
  if (labels === 'any') return undefined;
  return labels === 'scalar' ? new Set() : labels;
}

/**
 * Every label `expr` reads that is not on what it reads it from: a selector's matchers on that
 * metric, `by` / `without` / `on` / `group_*` / `label_replace` labels on their operand.
 */
export function labelProblems(expr: string, where: string, schema: LabelSchema): string[] {
  const problems: string[] = [];
  labelsOf({ expr, where, schema, problems }, parsed(expr, where));
  return problems;
}
