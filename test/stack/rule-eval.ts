/**
 * Evaluates a provisioned Grafana alert rule at one instant over recorded samples: its Prometheus
 * queries with the PromQL evaluator, then its server-side expressions (math, threshold, reduce)
 * the way Grafana reads their models (grafana-math.ts). The condition's items that are non-zero
 * are the alert instances that would be firing (once `for` has passed).
 */
import { evaluateMath, type NumberSet, parseMath, parseReduce, parseThreshold } from './grafana-math.ts';
import { type EvalOptions, evaluateInstant, type SampleStore } from './promql-eval.ts';
import type { AlertQuery, AlertRule } from './stack-files.ts';

export interface RuleResult {
  /** Result of every query and expression, by refId. */
  readonly results: ReadonlyMap<string, NumberSet>;
  /** The condition's items that hold (non-zero, not NaN). */
  readonly firing: NumberSet;
  /** The condition returned nothing: Grafana applies noDataState. */
  readonly noData: boolean;
}

/** The refIds an expression model reads; throws where Grafana would refuse the model. */
export function expressionInputs(query: AlertQuery): string[] {
  const model = query.model;
  switch (model.type) {
    case 'math':
      return [...parseMath(String(model.expression ?? '')).variables];
    case 'threshold':
      return [parseThreshold(model).refId];
    case 'reduce':
      return [parseReduce(model).refId];
    default:
      throw new Error(`${query.refId}: expression type ${String(model.type)} is not one this stack uses`);
  }
}

export function evaluateRule(
  rule: AlertRule,
  t: number,
  store: SampleStore,
  options: EvalOptions = {},
): RuleResult {
  const byRef = new Map(rule.data.map((q) => [q.refId, q]));
  const results = new Map<string, NumberSet>();
  const visiting = new Set<string>();
  const resolve = (refId: string): NumberSet => {
    const done = results.get(refId);
    if (done) return done;
    const query = byRef.get(refId);
    if (!query) throw new Error(`${rule.uid}: no query or expression ${refId}`);
    if (visiting.has(refId)) throw new Error(`${rule.uid}: ${refId} depends on itself`);
    visiting.add(refId);
    let value: NumberSet;
    if (query.datasourceUid !== '__expr__') {
      if (!query.model.instant)
        throw new Error(`${rule.uid} ${refId}: only instant queries are evaluated here`);
      const result = evaluateInstant(String(query.model.expr), t, store, options);
      value = typeof result === 'number' ? [{ labels: {}, value: result }] : result.map((e) => ({ ...e }));
    } else if (query.model.type === 'math') {
      const expression = parseMath(String(query.model.expression));
      const vars = new Map(expression.variables.map((v) => [v, resolve(v)]));
      value = evaluateMath(expression, vars);
    } else if (query.model.type === 'threshold') {
      const threshold = parseThreshold(query.model);
      value = resolve(threshold.refId).map((item) => ({
        labels: item.labels,
        value: Number(threshold.test(item.value)),
      }));
    } else if (query.model.type === 'reduce') {
      // Instant queries give numbers, which a reduce passes through unchanged.
      value = resolve(parseReduce(query.model).refId);
    } else {
      throw new Error(`${rule.uid} ${refId}: expression type ${String(query.model.type)} not supported`);
    }
    visiting.delete(refId);
    results.set(refId, value);
    return value;
  };
  for (const query of rule.data) resolve(query.refId);
  const condition = resolve(rule.condition);
  return {
    results,
    firing: condition.filter((item) => item.value !== 0 && !Number.isNaN(item.value)),
    noData: condition.length === 0,
  };
}
