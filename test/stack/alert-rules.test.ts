import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { templateProblems } from './go-template.ts';
import { evaluateMath, parseMath } from './grafana-math.ts';
import { SampleStore } from './promql-eval.ts';
import { evaluateRule, expressionInputs } from './rule-eval.ts';
import {
  type AlertGroup,
  type AlertRule,
  grafanaRuleGroup,
  loadAlertGroups,
  loadRawAlertGroups,
} from './stack-files.ts';

const SEVERITIES = new Set(['page', 'ticket', 'warning']);
const MIN = 60_000;

/** Every problem Grafana's expression engine and template renderer would have with a rule as stored. */
function ruleProblems(rule: AlertRule): string[] {
  const problems: string[] = [];
  const refIds = rule.data.map((q) => q.refId);
  if (new Set(refIds).size !== refIds.length) problems.push('duplicate refId');
  if (!refIds.includes(rule.condition)) problems.push(`condition ${rule.condition} is not a refId`);
  for (const query of rule.data) {
    if ((query.model.refId ?? query.refId) !== query.refId)
      problems.push(`${query.refId}: model refId differs`);
    if (query.datasourceUid !== '__expr__') continue;
    try {
      const inputs = expressionInputs(query);
      if (inputs.length === 0) problems.push(`${query.refId}: reads no query`);
      for (const input of inputs) {
        if (!refIds.includes(input))
          problems.push(`${query.refId}: reads ${input}, which is not a refId of this rule`);
        if (input === query.refId) problems.push(`${query.refId}: reads itself`);
      }
      if (query.model.type === 'math') {
        // Evaluate with one unlabelled number per input: the expression must compute.
        const math = parseMath(String(query.model.expression));
        const vars = new Map(math.variables.map((v) => [v, [{ labels: {}, value: 1 }]]));
        const result = evaluateMath(math, vars);
        if (result.length !== 1 || !Number.isFinite(result[0]?.value))
          problems.push(`${query.refId}: computes nothing`);
      }
    } catch (error) {
      problems.push(`${query.refId} (${String(query.model.type)}): ${(error as Error).message}`);
    }
  }
  for (const [key, template] of Object.entries(rule.annotations ?? {})) {
    for (const problem of templateProblems(template)) problems.push(`annotation ${key}: ${problem}`);
  }
  if (!SEVERITIES.has(rule.labels?.severity ?? ''))
    problems.push(`severity ${rule.labels?.severity} is not page, ticket or warning`);
  return problems;
}

function groupFromYaml(text: string): AlertGroup {
  return grafanaRuleGroup((parse(text) as { groups: AlertGroup[] }).groups[0] as AlertGroup);
}

/** The two rules of the file before this fix, as far as the mistakes go. */
const BROKEN = `
groups:
  - orgId: 1
    name: broken
    folder: tg-genbot
    interval: 1m
    rules:
      - uid: backlog
        title: backlog
        condition: C
        data:
          - { refId: A, datasourceUid: prometheus, model: { refId: A, instant: true, expr: max(kie_tasks_in_flight) } }
          - { refId: B, datasourceUid: prometheus, model: { refId: B, instant: true, expr: max(kie_tasks_in_flight) } }
          - { refId: C, datasourceUid: __expr__, model: { refId: C, type: math, expression: $$A > 10 && $$B > 0 } }
        labels: { severity: warning }
        annotations: { summary: 'more than 10 in flight' }
      - uid: credits
        title: credits
        condition: C
        data:
          - { refId: A, datasourceUid: prometheus, model: { refId: A, instant: true, expr: sum(bot_errors_total) } }
          - refId: C
            datasourceUid: __expr__
            model: { refId: C, type: threshold, expression: A, conditions: [{ evaluator: { type: gt, params: [0] } }] }
        labels: { severity: page }
        annotations: { summary: 'A provider answered 402: {{ $$labels.error_type }}' }
`;

describe('alert rules, as Grafana stores and evaluates them', () => {
  const groups = loadRawAlertGroups();
  const rules = loadAlertGroups().flatMap((g) => g.rules);

  it('provision every rule group with its rules (hand-written and SLO-generated)', () => {
    assert.ok(groups.some(({ file }) => file.endsWith('tg-genbot-alerts.yaml')));
    assert.ok(groups.some(({ file }) => file.endsWith('tg-genbot-slo-alerts.yaml')));
    assert.ok(rules.length >= 12, `${rules.length} rules`);
  });

  it('have math, threshold and reduce models Grafana can run, annotations Go can render', () => {
    const problems = rules.flatMap((rule) => ruleProblems(rule).map((p) => `${rule.uid}: ${p}`));
    assert.deepEqual(problems, []);
  });

  it('reject the $$ mistakes of the old file: the expression parser and the template both fail', () => {
    const broken = groupFromYaml(BROKEN).rules;
    const [backlog, credits] = broken.map(ruleProblems);
    assert.ok(
      backlog?.some((p) => /C \(math\): incomplete variable/.test(p)),
      JSON.stringify(backlog),
    );
    assert.ok(
      credits?.some((p) => /annotation summary: .*can't give argument to non-function \$/.test(p)),
      JSON.stringify(credits),
    );
    // What Grafana does with the escaped form in interpolated fields: $$ → $ (title, labels…), so
    // the same text in the title would have been right there.
    const titled = groupFromYaml(BROKEN.replace('title: backlog', () => "title: 'cost $$5'")).rules[0];
    assert.equal(titled?.title, 'cost $5');
  });

  it('catch the other ways an expression model is wrong', () => {
    const rule = (model: Record<string, unknown>): AlertRule => ({
      uid: 'x',
      title: 'x',
      condition: 'C',
      labels: { severity: 'warning' },
      data: [
        { refId: 'A', datasourceUid: 'prometheus', model: { refId: 'A', instant: true, expr: 'up' } },
        { refId: 'C', datasourceUid: '__expr__', model: { refId: 'C', ...model } },
      ],
    });
    const expect = (model: Record<string, unknown>, pattern: RegExp) =>
      assert.ok(
        ruleProblems(rule(model)).some((p) => pattern.test(p)),
        `${JSON.stringify(model)} → ${ruleProblems(rule(model))}`,
      );
    expect({ type: 'math', expression: '$B > 1' }, /reads B, which is not a refId/);
    expect({ type: 'math', expression: '$A >' }, /unexpected eof/);
    expect({ type: 'math', expression: 'nope($A)' }, /non existent function nope/);
    expect(
      { type: 'threshold', expression: '$A', conditions: [{ evaluator: { type: 'gt', params: [1] } }] },
      /reads \$A/,
    );
    expect(
      { type: 'threshold', expression: 'A', conditions: [{ evaluator: { type: 'above', params: [1] } }] },
      /unknown evaluator/,
    );
    expect(
      {
        type: 'threshold',
        expression: 'A',
        conditions: [{ evaluator: { type: 'within_range', params: [1] } }],
      },
      /needs 2/,
    );
    expect({ type: 'threshold', expression: 'A', conditions: [] }, /exactly one condition/);
    expect({ type: 'reduce', expression: '$$A', reducer: 'last' }, /reads \$A/);
    expect({ type: 'reduce', expression: 'A', reducer: 'avg' }, /unknown reducer/);
    expect({ type: 'classic_conditions' }, /not one this stack uses/);
    assert.deepEqual(ruleProblems(rule({ type: 'reduce', expression: '$A', reducer: 'last' })), []);
  });

  it('fire the backlog rule on a rising count over 10 and the no-updates rule on silence, on recorded samples', () => {
    const byUid = new Map(rules.map((r) => [r.uid, r]));
    const backlog = byUid.get('tg-genbot-task-backlog') as AlertRule;
    const store = new SampleStore();
    const inFlight = { __name__: 'kie_tasks_in_flight', service_name: 'tg-genbot' };
    for (let m = 0; m <= 30; m++) store.add(inFlight, m * MIN, m); // one more task every minute
    assert.equal(evaluateRule(backlog, 8 * MIN, store).firing.length, 0, '8 in flight, rising');
    assert.equal(evaluateRule(backlog, 20 * MIN, store).firing.length, 1, '20 in flight, rising');
    const flat = new SampleStore();
    for (let m = 0; m <= 30; m++) flat.add(inFlight, m * MIN, 25);
    assert.equal(evaluateRule(backlog, 30 * MIN, flat).firing.length, 0, '25 in flight, not rising');

    const quiet = byUid.get('tg-genbot-no-updates') as AlertRule;
    const up = new SampleStore();
    for (let m = 0; m <= 40; m++) {
      up.add({ __name__: 'target_info', service_name: 'tg-genbot' }, m * MIN, 1);
      up.add(
        { __name__: 'bot_updates_total', service_name: 'tg-genbot', outcome: 'ok' },
        m * MIN,
        m < 5 ? m : 5,
      );
    }
    assert.equal(evaluateRule(quiet, 20 * MIN, up).firing.length, 0, 'updates 15 min ago');
    assert.equal(evaluateRule(quiet, 40 * MIN, up).firing.length, 1, 'none for 35 min');
  });

  it('fire the out-of-credits rule from the very first KIE or LLM 402 for 10 minutes, by error type', () => {
    const rule = rules.find((r) => r.uid === 'tg-genbot-insufficient-credits') as AlertRule;
    const store = new SampleStore();
    const kie = {
      __name__: 'kie_api_errors_total',
      service_name: 'tg-genbot',
      error_type: 'kie.insufficient_credits',
    };
    const llm = {
      __name__: 'bot_errors_total',
      service_name: 'tg-genbot',
      error_type: 'llm.insufficient_credits',
    };
    // Exported every 15 s: KIE's counter appears at minute 20 with its first error, a second at 45.
    for (let s = 20 * 60; s <= 60 * 60; s += 15) store.add(kie, s * 1000, s < 45 * 60 ? 1 : 2);
    const firing = (minute: number) =>
      evaluateRule(rule, minute * MIN, store).firing.map((f) => f.labels.error_type);
    assert.deepEqual(firing(19), []);
    for (const minute of [20, 21, 25, 29])
      assert.deepEqual(firing(minute), ['kie.insufficient_credits'], `minute ${minute}`);
    assert.deepEqual(firing(31), [], 'resolved once the window holds no new error');
    // A second 402 much later fires again (the counter rose), and an LLM 402 fires on its own.
    for (let s = 50 * 60; s <= 60 * 60; s += 15) store.add(llm, s * 1000, 1);
    assert.deepEqual(firing(52).sort(), ['kie.insufficient_credits', 'llm.insufficient_credits']);
  });
});
