import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ALERTS_FILE,
  DASHBOARD_FILE,
  errorBudget,
  loadSloSpec,
  RULES_FILE,
  recorded,
  renderSloFiles,
  SLO_ROOT,
  sloWindows,
  windowSeconds,
} from '../../slo/generate.ts';
import { UPDATE_DURATION_BUCKETS } from '../../src/telemetry/metrics.ts';
import { evaluateInstant, parseDuration, SampleStore } from './promql-eval.ts';
import { evaluateRule } from './rule-eval.ts';
import {
  type AlertRule,
  allPanels,
  type ComposeService,
  type Dashboard,
  loadAlertGroups,
  loadCompose,
  loadPrometheusRuleFiles,
  loadRecordingRules,
  repoPath,
} from './stack-files.ts';
import { interpolateGrafana } from './stack-queries.ts';

const spec = loadSloSpec();
const MIN = 60_000;
const HOUR = 60 * MIN;
const ENV = { service_name: 'tg-genbot', deployment_environment_name: 'production' };

describe('SLOs (slo/slos.yaml)', () => {
  it('are the three objectives of the issue, with the SRE workbook burn-rate pairs', () => {
    assert.deepEqual(
      spec.slos.map((s) => [s.name, s.objective]),
      [
        ['updates', 0.995],
        ['generations', 0.99],
        ['protocols', 0.99],
      ],
    );
    const pairs = spec.alerts.map((a) => `${a.severity} ${a.burnRate}x ${a.long}/${a.short}`);
    for (const pair of ['page 14.4x 1h/5m', 'page 6x 6h/30m', 'ticket 1x 3d/6h'])
      assert.ok(pairs.includes(pair), pair);
    assert.equal(spec.period, '30d');
  });

  it('generate exactly the committed rules, alerts and dashboard (run node slo/generate.ts after editing)', () => {
    for (const [path, content] of Object.entries(renderSloFiles(spec))) {
      assert.equal(readFileSync(`${SLO_ROOT}/${path}`, 'utf8'), content, `${path} is stale`);
    }
    assert.deepEqual(
      Object.keys(renderSloFiles(spec)).sort(),
      [ALERTS_FILE, DASHBOARD_FILE, RULES_FILE].sort(),
    );
  });

  it('are recorded by Prometheus: the rule file is loaded, mounted, and kept for the whole period', () => {
    const files = loadPrometheusRuleFiles().map((f) => f.file);
    assert.ok(files.includes(RULES_FILE), files.join());
    const records = new Set(loadRecordingRules().map((r) => r.record));
    for (const w of [...sloWindows(spec), spec.period])
      assert.ok(records.has(recorded.ratio(w)), recorded.ratio(w));
    for (const rule of loadRecordingRules()) assert.match(rule.record, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    const command = (loadCompose().services.prometheus as ComposeService).command as string[];
    const retention =
      command.find((c) => c.startsWith('--storage.tsdb.retention.time='))?.split('=')[1] ?? '0s';
    assert.ok(
      parseDuration(retention) >= windowSeconds(spec.period) * 1000,
      `retention ${retention} < ${spec.period}`,
    );
  });

  it('count updates answered within a bucket bot.update.duration really has', () => {
    const le = /le="([^"]+)"/.exec(spec.slos.find((s) => s.name === 'updates')?.good ?? '')?.[1];
    assert.ok(le !== undefined && UPDATE_DURATION_BUCKETS.includes(Number(le)), `le="${le}" is not a bucket`);
  });

  it('show objective, ratio, budget left and burn rate per window on the dashboard', () => {
    const dashboard = JSON.parse(readFileSync(repoPath(DASHBOARD_FILE), 'utf8')) as Dashboard;
    const panels = allPanels(dashboard.panels);
    for (const slo of spec.slos) {
      const row = panels.findIndex((p) => p.type === 'row' && p.title === slo.title);
      assert.ok(row >= 0, slo.title);
      const titles = panels.slice(row + 1, row + 5).map((p) => p.title);
      assert.deepEqual(titles, [
        'Objective',
        `Good over ${spec.period}`,
        'Error budget left',
        'Burn rate by window',
      ]);
      const burn = panels[row + 4];
      assert.equal(burn?.targets?.length, sloWindows(spec).length);
    }
  });
});

/** Generations at `perHour` a hour, `badShare(t)` of them failed by the bot, sampled every minute. */
function generations(hours: number, perHour: number, badShare: (t: number) => number): SampleStore {
  const store = new SampleStore();
  let ok = 0;
  let bad = 0;
  for (let t = 0; t <= hours * HOUR; t += MIN) {
    const events = perHour / 60;
    bad += events * badShare(t);
    ok += events * (1 - badShare(t));
    store.add(
      { __name__: 'kie_tasks_total', ...ENV, outcome: 'ok', kie_model: 'm', bot_generation_fault: 'none' },
      t,
      ok,
    );
    store.add(
      {
        __name__: 'kie_tasks_total',
        ...ENV,
        outcome: 'timeout',
        kie_model: 'm',
        bot_generation_fault: 'bot',
      },
      t,
      bad,
    );
  }
  return store;
}

describe('SLO burn-rate alerts, evaluated on recorded samples', () => {
  const rules = loadRecordingRules();
  const alerts = new Map(
    loadAlertGroups()
      .flatMap((g) => g.rules)
      .map((r) => [r.uid, r]),
  );
  const rule = (uid: string) => alerts.get(uid) as AlertRule;
  const options = { rules, ruleIntervalMs: MIN };
  const END = 74 * HOUR;
  const fires = (uid: string, store: SampleStore, at = END) =>
    evaluateRule(rule(uid), at, store, options).firing.map(
      (f) => `${f.labels.slo}/${f.labels.deployment_environment_name}`,
    );

  it('page on a fast burn (20 % failing for the last hour), not on the ticket pairs', () => {
    const store = generations(74, 120, (t) => (t > END - HOUR ? 0.2 : 0.002));
    assert.deepEqual(fires('tg-genbot-slo-generations-page', store), ['generations/production']);
    assert.deepEqual(fires('tg-genbot-slo-generations-ticket', store), []);
    // The short window stops the page soon after the burn stops.
    const stopped = generations(74, 120, (t) => (t > END - HOUR && t < END - 10 * MIN ? 0.2 : 0.002));
    assert.deepEqual(fires('tg-genbot-slo-generations-page', stopped), []);
  });

  it('ticket on a slow burn (1.5 % for three days against a 1 % budget), without paging', () => {
    const store = generations(74, 120, () => 0.015);
    assert.deepEqual(fires('tg-genbot-slo-generations-page', store), []);
    assert.deepEqual(fires('tg-genbot-slo-generations-ticket', store), ['generations/production']);
  });

  it('stay quiet within the objective, and on one failure in a quiet hour', () => {
    const healthy = generations(74, 120, () => 0.005);
    assert.deepEqual(fires('tg-genbot-slo-generations-page', healthy), []);
    assert.deepEqual(fires('tg-genbot-slo-generations-ticket', healthy), []);
    // 3 generations an hour and the last one failed: a third of the hour's events, but fewer than
    // min_events (5) in the 1 h window, and 1 of 18 over 6 h is under the 6x burn.
    const quiet = generations(74, 3, (t) => (t > END - 20 * MIN ? 1 : 0));
    assert.deepEqual(fires('tg-genbot-slo-generations-page', quiet), []);
    // All of them failing for six hours is an incident, however quiet.
    const down = generations(74, 3, (t) => (t > END - 6 * HOUR ? 1 : 0));
    assert.deepEqual(fires('tg-genbot-slo-generations-page', down), ['generations/production']);
  });

  it('page when updates get slow: the le="2" bucket stops growing while the count does', () => {
    const store = new SampleStore();
    let count = 0;
    let fast = 0;
    for (let t = 0; t <= 8 * HOUR; t += MIN) {
      count += 10;
      fast += t > 8 * HOUR - HOUR ? 8 : 10; // the last hour, 2 of 10 updates take over 2 s
      const base = { ...ENV, outcome: 'ok', telegram_update_type: 'message', bot_feature: 'start' };
      store.add({ __name__: 'bot_update_duration_seconds_count', ...base }, t, count);
      store.add({ __name__: 'bot_update_duration_seconds_bucket', ...base, le: '2' }, t, fast);
      store.add({ __name__: 'bot_update_duration_seconds_bucket', ...base, le: '+Inf' }, t, count);
    }
    assert.deepEqual(
      evaluateRule(rule('tg-genbot-slo-updates-page'), 8 * HOUR, store, options).firing.map(
        (f) => f.labels.slo,
      ),
      ['updates'],
    );
    const before = evaluateRule(rule('tg-genbot-slo-updates-page'), 8 * HOUR - 2 * HOUR, store, options);
    assert.deepEqual(before.firing, []);
  });

  it('show the budget the dashboard reads: 1.5 % errors against 1 % leave −50 %', () => {
    const store = generations(74, 120, () => 0.015);
    const dashboard = JSON.parse(readFileSync(repoPath(DASHBOARD_FILE), 'utf8')) as Dashboard;
    const panels = allPanels(dashboard.panels);
    const row = panels.findIndex((p) => p.title === spec.slos.find((s) => s.name === 'generations')?.title);
    const budget = panels[row + 3];
    assert.equal(budget?.title, 'Error budget left');
    const expr = interpolateGrafana(
      budget?.targets?.[0]?.expr ?? '',
      { service: 'tg-genbot', env: 'production' },
      'budget',
    );
    // Coarse rule steps keep the 30-day sum cheap; the ratio does not depend on them.
    const value = evaluateInstant(expr, END, store, { rules, ruleIntervalMs: HOUR });
    assert.ok(Array.isArray(value) && value.length === 1, JSON.stringify(value));
    const left = (value as Array<{ value: number }>)[0]?.value as number;
    const generationsSlo = spec.slos.find((s) => s.name === 'generations');
    assert.ok(
      generationsSlo && Math.abs(left - (1 - 0.015 / errorBudget(generationsSlo))) < 0.02,
      String(left),
    );
  });
});
