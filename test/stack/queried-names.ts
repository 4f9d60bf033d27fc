/**
 * Which telemetry names the dashboards, alert rules and datasource cross-links query:
 * metric names and labels (PromQL), span and resource attributes (TraceQL), and log
 * labels / structured metadata / fields (LogQL). Found by walking each expression's
 * syntax tree, not by pattern matching on text.
 */
import { AssertionError } from 'node:assert';
import { labelProblems } from './promql-labels.ts';
import { childrenOf, parseQuery, type SyntaxNode } from './query-parser.ts';
import { collectQueries, type StackQuery } from './stack-queries.ts';

export interface TelemetryNames {
  /** Prometheus metric names, e.g. `bot_updates_total`. */
  metrics: Set<string>;
  /** Prometheus label names, e.g. `error_type`. */
  labels: Set<string>;
  /** TraceQL attributes with their scope, e.g. `span.bot.error.ref`, `resource.service.name`. */
  spanAttributes: Set<string>;
  /** Loki stream labels, structured metadata and parsed fields, e.g. `service_name`, `error_ref`. */
  logFields: Set<string>;
}

/** An empty set of names. */
export function emptyNames(): TelemetryNames {
  return { metrics: new Set(), labels: new Set(), spanAttributes: new Set(), logFields: new Set() };
}

function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

function unquote(literal: string): string {
  const quote = literal[0];
  if ((quote === '"' || quote === "'") && literal.endsWith(quote))
    return JSON.parse(`"${literal.slice(1, -1)}"`);
  if (quote === '`') return literal.slice(1, -1);
  return literal;
}

function promqlNames(expr: string, node: SyntaxNode, into: TelemetryNames): void {
  switch (node.name) {
    case 'VectorSelector':
      for (const child of childrenOf(node))
        if (child.name === 'Identifier') into.metrics.add(text(expr, child));
      break;
    case 'UnquotedLabelMatcher':
    case 'QuotedLabelMatcher': {
      const [nameNode, , valueNode] = childrenOf(node);
      if (!nameNode) break;
      const name = nameNode.name === 'QuotedLabelName' ? unquote(text(expr, nameNode)) : text(expr, nameNode);
      if (name === '__name__') {
        // {__name__="metric"} names a metric; a regex or negative matcher names none in particular.
        const op = childrenOf(node).find((c) => c.name === 'MatchOp')?.firstChild?.name;
        if (op === 'EqlSingle' && valueNode) into.metrics.add(unquote(text(expr, valueNode)));
      } else {
        into.labels.add(name);
      }
      return; // the children are already handled
    }
    case 'LabelMatchers':
      // A bare quoted name inside braces is a UTF-8 metric name: {"my.metric"}.
      for (const child of childrenOf(node)) {
        if (child.name === 'QuotedLabelName') into.metrics.add(unquote(text(expr, child)));
      }
      break;
    case 'GroupingLabels':
      for (const child of childrenOf(node)) {
        if (child.name === 'LabelName') into.labels.add(text(expr, child));
        if (child.name === 'QuotedLabelName') into.labels.add(unquote(text(expr, child)));
      }
      return;
  }
  for (const child of childrenOf(node)) promqlNames(expr, child, into);
}

/** LogQL nodes whose Identifier children define a new name rather than read one. */
function definesName(parent: SyntaxNode, child: SyntaxNode): boolean {
  const first = parent.firstChild;
  const isFirst = first !== null && first.from === child.from && first.to === child.to;
  return isFirst && (parent.name === 'LabelFormatMatcher' || parent.name === 'LabelExtractionExpression');
}

function logqlNames(expr: string, node: SyntaxNode, into: TelemetryNames): void {
  for (const child of childrenOf(node)) {
    if (child.name === 'Identifier') {
      if (!definesName(node, child)) into.logFields.add(text(expr, child));
    } else {
      logqlNames(expr, child, into);
    }
  }
}

const TRACEQL_SCOPES: Record<string, string> = {
  Span: 'span',
  Resource: 'resource',
  Event: 'event',
  Link: 'link',
  Instrumentation: 'instrumentation',
  Parent: 'parent',
};

function traceqlNames(expr: string, node: SyntaxNode, into: TelemetryNames): void {
  if (node.name === 'AttributeField') {
    const parts = childrenOf(node);
    const identifier = parts.find((p) => p.name === 'Identifier');
    if (identifier) {
      const scopes = parts.filter((p) => TRACEQL_SCOPES[p.name]).map((p) => TRACEQL_SCOPES[p.name]);
      into.spanAttributes.add(`${scopes.join('.')}.${text(expr, identifier)}`);
    }
    return;
  }
  for (const child of childrenOf(node)) traceqlNames(expr, child, into);
}

/** Adds the names one query reads to `into`. Throws if the query does not parse. */
export function namesInQuery(query: StackQuery, into: TelemetryNames): void {
  const { tree, errors } = parseQuery(query.language, query.expr);
  if (errors.length > 0) throw new Error(`${query.where}: ${errors.join('; ')}: ${query.expr}`);
  const walk = { promql: promqlNames, logql: logqlNames, traceql: traceqlNames }[query.language];
  walk(query.expr, tree.topNode, into);
}

/** Every name queried by the stack's dashboards, alert rules and datasource cross-links. */
export function queriedNames(queries: StackQuery[] = collectQueries()): TelemetryNames {
  const names = emptyNames();
  for (const query of queries) namesInQuery(query, names);
  return names;
}

/** TraceQL's unscoped `.attr` matches a span or a resource attribute of that name. */
function spanAttributeEmitted(attribute: string, emitted: Set<string>): boolean {
  if (emitted.has(attribute)) return true;
  if (attribute.startsWith('.'))
    return emitted.has(`span${attribute}`) || emitted.has(`resource${attribute}`);
  return false;
}

/**
 * Fails, listing every offender, unless each queried name is one the app emits.
 * `emitted` comes from the telemetry contract today (known-names.ts) and can be
 * replaced by an end-to-end export of what a running bot really sends.
 */
export function assertQueriedNamesEmitted(queried: TelemetryNames, emitted: TelemetryNames): void {
  const missing: string[] = [];
  for (const metric of queried.metrics) if (!emitted.metrics.has(metric)) missing.push(`metric ${metric}`);
  for (const label of queried.labels) if (!emitted.labels.has(label)) missing.push(`label ${label}`);
  for (const attribute of queried.spanAttributes) {
    if (!spanAttributeEmitted(attribute, emitted.spanAttributes)) missing.push(`span attribute ${attribute}`);
  }
  for (const field of queried.logFields)
    if (!emitted.logFields.has(field)) missing.push(`log field ${field}`);
  if (missing.length > 0) {
    throw new AssertionError({
      message: `dashboards/alerts query names the app does not emit:\n  ${missing.sort().join('\n  ')}`,
      actual: missing,
      expected: [],
      operator: 'assertQueriedNamesEmitted',
    });
  }
}

/**
 * Fails, listing every offender, unless each label a PromQL query reads is a label of the series it
 * reads it from (`labels`: stored metric → its labels), not merely of some other series.
 */
export function assertQueriedLabelsEmitted(
  labels: ReadonlyMap<string, ReadonlySet<string>>,
  queries: StackQuery[] = collectQueries(),
): void {
  const problems = queries
    .filter((q) => q.language === 'promql')
    .flatMap((q) => labelProblems(q.expr, q.where, (metric) => labels.get(metric)));
  if (problems.length > 0) {
    throw new AssertionError({
      message: `dashboards/alerts query labels the series they read do not have:\n  ${problems.join('\n  ')}`,
      actual: problems,
      expected: [],
      operator: 'assertQueriedLabelsEmitted',
    });
  }
}
