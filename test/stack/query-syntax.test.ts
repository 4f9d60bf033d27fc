import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery } from './query-parser.ts';
import { collectQueries, interpolateGrafana, variableQueryAsPromql } from './stack-queries.ts';

describe('query syntax (Grafana lezer grammars)', () => {
  const queries = collectQueries();

  it('finds queries of every language in dashboards, alert rules and cross-links', () => {
    const count = (language: string) => queries.filter((q) => q.language === language).length;
    assert.ok(count('promql') >= 30, `promql: ${count('promql')}`);
    assert.ok(count('logql') >= 4, `logql: ${count('logql')}`);
    assert.ok(count('traceql') >= 3, `traceql: ${count('traceql')}`);
    assert.ok(queries.some((q) => q.where.startsWith('alert ')));
    assert.ok(queries.some((q) => q.where.includes('tracesToLogsV2')));
    assert.ok(queries.some((q) => q.where.includes('tracesToMetrics')));
  });

  it('parses every PromQL, LogQL and TraceQL expression without an error node', () => {
    const failures = queries.flatMap((q) => {
      const { errors } = parseQuery(q.language, q.expr);
      return errors.length > 0 ? [`${q.where} (${q.language}): ${errors.join('; ')}\n    ${q.expr}`] : [];
    });
    assert.deepEqual(failures, []);
  });

  it('leaves no Grafana variable uninterpolated', () => {
    const leftovers = queries
      .filter((q) => /\$\w|\$\{|\[\[/.test(q.expr))
      .map((q) => `${q.where}: ${q.expr}`);
    assert.deepEqual(leftovers, []);
  });

  // Controls: the checks above would pass vacuously if the parser accepted anything.
  it('reports broken expressions in each language', () => {
    assert.notDeepEqual(parseQuery('promql', 'sum(rate(bot_updates_total[5m])').errors, []);
    assert.notDeepEqual(parseQuery('promql', 'rate(bot_updates_total[$__rate_interval])').errors, []);
    assert.notDeepEqual(parseQuery('logql', '{service_name="x"} | error_ref = ').errors, []);
    assert.notDeepEqual(parseQuery('traceql', '{ span.bot.error.ref = }').errors, []);
    assert.deepEqual(parseQuery('traceql', '{ span.bot.error.ref = "4bf92f35" }').errors, []);
  });

  it('interpolates Grafana variables the way Grafana does', () => {
    const vars = { ref: '4bf92f35', service: 'tg-genbot' };
    assert.equal(interpolateGrafana('{x="$service"}[$__rate_interval]', vars, 't'), '{x="tg-genbot"}[1m]');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template
    assert.equal(interpolateGrafana('"${ref:regex}.*" [[service]]', vars, 't'), '"4bf92f35.*" tg-genbot');
    assert.throws(() => interpolateGrafana('{x="$nope"}', vars, 't'), /unknown Grafana variable "nope"/);
    assert.equal(variableQueryAsPromql('label_values({a="b"}, c)'), 'count by (c) ({a="b"})');
  });
});
