import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownLabels, knownNames, prometheusMetricNames } from './known-names.ts';
import {
  assertQueriedLabelsEmitted,
  assertQueriedNamesEmitted,
  emptyNames,
  namesInQuery,
  queriedNames,
} from './queried-names.ts';

describe('dashboards and alerts query only names the app emits', () => {
  const queried = queriedNames();

  it('every queried metric, label, span attribute and log field is emitted', () => {
    assertQueriedNamesEmitted(queried, knownNames());
  });

  it('every label a query reads is specified on the series it reads it from', () => {
    assertQueriedLabelsEmitted(knownLabels());
  });

  it('finds the names behind the error reference and the backlog alert', () => {
    assert.ok(queried.spanAttributes.has('span.bot.error.ref'));
    assert.ok(queried.logFields.has('error_ref'));
    assert.ok(queried.logFields.has('trace_id'));
    assert.ok(queried.metrics.has('kie_tasks_in_flight'));
    assert.ok(queried.metrics.has('bot_update_duration_seconds_bucket'));
    assert.ok(queried.labels.has('error_type'));
    assert.ok(queried.labels.has('service_name'));
  });

  it('walks syntax trees: grouping labels, __name__ matchers, scoped and unscoped attributes', () => {
    const names = emptyNames();
    namesInQuery(
      { language: 'promql', expr: 'sum by (a) ({__name__="m1", b=~"x"}) / on(c) m2', raw: '', where: 't' },
      names,
    );
    namesInQuery(
      { language: 'traceql', expr: '{ resource.r.x = "1" && .u = 2 && name = "n" }', raw: '', where: 't' },
      names,
    );
    namesInQuery(
      { language: 'logql', expr: '{s="1"} | f = "2" | label_format new=old', raw: '', where: 't' },
      names,
    );
    assert.deepEqual([...names.metrics].sort(), ['m1', 'm2']);
    assert.deepEqual([...names.labels].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...names.spanAttributes].sort(), ['.u', 'resource.r.x']);
    assert.deepEqual([...names.logFields].sort(), ['f', 'old', 's']);
  });

  it('fails, naming each offender, when a query uses a name that is not emitted', () => {
    const queriedWithTypos = emptyNames();
    queriedWithTypos.metrics.add('bot_update_total');
    queriedWithTypos.labels.add('update_type');
    queriedWithTypos.spanAttributes.add('span.bot.error_ref');
    queriedWithTypos.logFields.add('errorRef');
    assert.throws(
      () => assertQueriedNamesEmitted(queriedWithTypos, knownNames()),
      (error: Error) =>
        [
          'metric bot_update_total',
          'label update_type',
          'span attribute span.bot.error_ref',
          'log field errorRef',
        ].every((part) => error.message.includes(part)),
    );
  });

  it('translates OTel instruments the way Prometheus OTLP ingestion does', () => {
    assert.deepEqual(
      prometheusMetricNames({ name: 'bot.updates', kind: 'counter', unit: '{update}', attributes: [] }),
      ['bot_updates_total'],
    );
    assert.deepEqual(
      prometheusMetricNames({ name: 'kie.queue.wait', kind: 'histogram', unit: 's', attributes: [] }),
      ['kie_queue_wait_seconds_bucket', 'kie_queue_wait_seconds_sum', 'kie_queue_wait_seconds_count'],
    );
    assert.deepEqual(
      prometheusMetricNames({
        name: 'kie.tasks.in_flight',
        kind: 'updowncounter',
        unit: '{task}',
        attributes: [],
      }),
      ['kie_tasks_in_flight'],
    );
  });
});
