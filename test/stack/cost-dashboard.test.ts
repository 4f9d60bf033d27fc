import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cheapestCredit, loadCatalog } from '../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT, parseConfig } from '../../src/config.ts';
import { evaluateInstant, SampleStore } from './promql-eval.ts';
import { allPanels, loadDashboards, repoPath } from './stack-files.ts';
import { interpolateGrafana } from './stack-queries.ts';

const dashboard = loadDashboards().find((d) => d.dashboard.uid === 'tg-genbot-cost')?.dashboard;
const constants = Object.fromEntries(
  (dashboard?.templating?.list ?? [])
    .filter((v) => v.type === 'constant')
    .map((v) => [v.name, Number(v.query)]),
);
const VARS = {
  service: 'tg-genbot',
  env: '.*',
  ...Object.fromEntries(Object.entries(constants).map(([k, v]) => [k, String(v)])),
};
const MIN = 60_000;

describe('Cost and providers dashboard', () => {
  it('values credits with the config defaults and the catalog, as the margin guard does', () => {
    const pricing = parseConfig({}).pricing;
    assert.equal(constants.kie_credit_usd, pricing.kieCreditUsd);
    assert.equal(constants.stars_usd, pricing.starUsd);
    const catalog = loadCatalog(repoPath(CATALOG_PATH_DEFAULT));
    const cheapest = cheapestCredit(catalog.packs, pricing.starUsd).pack;
    assert.equal(constants.stars_per_credit, cheapest.stars / cheapest.credits);
  });

  it('computes the margin per model from charged credits and what KIE consumed', () => {
    const table = allPanels(dashboard?.panels ?? []).find((p) => p.title.startsWith('Margin by model'));
    const [revenue, cost, margin] = (table?.targets ?? []).map((t) =>
      interpolateGrafana(t.expr ?? '', VARS, 'margin'),
    );
    const store = new SampleStore();
    const base = { service_name: 'tg-genbot', deployment_environment_name: 'production' };
    for (let m = 0; m <= 60; m++) {
      // model a: 100 credits of delivered generations, 50 KIE credits; model b: only KIE cost (all refunded).
      const t = m * MIN;
      store.add(
        {
          __name__: 'bot_generation_credits_total',
          ...base,
          kie_model: 'a',
          outcome: 'ok',
          bot_model_id: 'a',
        },
        t,
        m >= 30 ? 100 : 0,
      );
      store.add(
        {
          __name__: 'bot_generation_credits_total',
          ...base,
          kie_model: 'b',
          outcome: 'refunded',
          bot_model_id: 'b',
        },
        t,
        m >= 30 ? 40 : 0,
      );
      store.add({ __name__: 'kie_credits_consumed_total', ...base, kie_model: 'a' }, t, m >= 30 ? 50 : 0);
      store.add({ __name__: 'kie_credits_consumed_total', ...base, kie_model: 'b' }, t, m >= 30 ? 20 : 0);
    }
    const at = 60 * MIN;
    const byModel = (expr: string | undefined) =>
      Object.fromEntries(
        (
          evaluateInstant(expr ?? '', at, store) as Array<{ labels: Record<string, string>; value: number }>
        ).map((e) => [e.labels.kie_model, Math.round(e.value * 1e4) / 1e4]),
      );
    // increase() over the dashboard range extrapolates a little past the first sample; same factor both sides.
    const usd = (credits: number, price: number) => Math.round(credits * price * 1e4) / 1e4;
    const perCredit = (constants.stars_per_credit as number) * (constants.stars_usd as number);
    assert.deepEqual(byModel(revenue), { a: usd(100, perCredit) });
    assert.deepEqual(byModel(cost), {
      a: usd(50, constants.kie_credit_usd as number),
      b: usd(20, constants.kie_credit_usd as number),
    });
    const m = byModel(margin);
    assert.ok(Math.abs((m.a as number) - (usd(100, perCredit) - usd(50, 0.005))) < 1e-3, JSON.stringify(m));
    assert.ok(
      Math.abs((m.b as number) + usd(20, 0.005)) < 1e-3,
      'a model with only refunds shows its KIE cost as a loss',
    );
  });
});
