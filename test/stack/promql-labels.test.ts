import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LabelSchema, labelProblems, outputLabels } from './promql-labels.ts';

const SCHEMA: Record<string, string[]> = {
  bot_update_duration_seconds_bucket: ['service_name', 'outcome', 'le'],
  bot_errors_total: ['service_name', 'error_type', 'bot_feature'],
  target_info: ['service_name', 'service_version'],
};
const schema: LabelSchema = (metric) => (SCHEMA[metric] ? new Set(SCHEMA[metric]) : undefined);
const problems = (expr: string) => labelProblems(expr, 'q', schema);
const labels = (expr: string) => [...(outputLabels(expr, schema) ?? ['(unknown)'])].sort();

describe('labels through PromQL, metric by metric', () => {
  it('reports a matcher on a label another metric has but the one it selects lacks', () => {
    assert.deepEqual(problems('rate(bot_errors_total{error_type=~"|x"}[5m])'), []);
    const found = problems('sum(rate(bot_update_duration_seconds_bucket{le="2", error_type=~"|x"}[5m]))');
    assert.equal(found.length, 1);
    assert.match(found[0] as string, /label error_type is not on bot_update_duration_seconds_bucket/);
  });

  it('checks grouping and matching labels against their operand, after inner aggregations', () => {
    assert.deepEqual(problems('sum by (le, outcome) (rate(bot_update_duration_seconds_bucket[5m]))'), []);
    assert.equal(problems('sum by (bot_feature) (rate(bot_update_duration_seconds_bucket[5m]))').length, 1);
    assert.equal(problems('max by (outcome) (sum by (le) (bot_update_duration_seconds_bucket))').length, 1);
    assert.equal(
      problems('sum(bot_errors_total) / on (error_type) sum(bot_update_duration_seconds_bucket)').length,
      2,
    );
    assert.deepEqual(
      problems('bot_errors_total * on (service_name) group_left (service_version) target_info'),
      [],
    );
    assert.equal(problems('bot_errors_total * on (service_name) group_left (outcome) target_info').length, 1);
  });

  it('knows the labels a query creates, and ignores metrics it does not know', () => {
    assert.deepEqual(
      problems('sum by (kind) (label_replace(bot_errors_total, "kind", "$1", "error_type", "(.*)"))'),
      [],
    );
    assert.equal(problems('label_replace(bot_errors_total, "kind", "$1", "outcome", "(.*)")').length, 1);
    assert.deepEqual(problems('sum by (anything) (not_exported_total{other="1"})'), []);
  });

  it('gives the labels a recorded series gets from its expression', () => {
    assert.deepEqual(labels('sum by (service_name, error_type) (rate(bot_errors_total[5m]))'), [
      'error_type',
      'service_name',
    ]);
    assert.deepEqual(
      labels('sum by (service_name) (bot_errors_total) / sum by (service_name) (target_info)'),
      ['service_name'],
    );
    assert.deepEqual(
      labels('bot_errors_total / on (service_name) group_left (service_version) target_info'),
      ['bot_feature', 'error_type', 'service_name', 'service_version'],
    );
    assert.deepEqual(labels('sum by (service_name) (bot_errors_total) or vector(0)'), ['service_name']);
    assert.deepEqual(
      labels('histogram_quantile(0.9, sum by (le, outcome) (bot_update_duration_seconds_bucket))'),
      ['outcome'],
    );
    assert.deepEqual(labels('sum(not_exported_total)'), []);
    assert.deepEqual(labels('rate(not_exported_total[5m])'), ['(unknown)']);
  });
});
