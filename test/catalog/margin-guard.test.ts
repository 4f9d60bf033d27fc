import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cheapestCredit, marginProblems, parseCatalog } from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

// 1 KIE credit = $0.005, 1 Star = $0.01, margin 1.3.
const ECONOMICS = { kieCreditUsd: 0.005, starUsd: 0.01, minMargin: 1.3 } as const;

describe('cheapestCredit', () => {
  it('is the pack with the most credits per Star', () => {
    const catalog = parseCatalog(validCatalogJson());
    // valid-catalog packs: 100 for 50, 300 for 140, 1000 for 420 Stars.
    const { pack, usd } = cheapestCredit(catalog.packs, 0.01);
    assert.equal(pack.id, 'large');
    assert.ok(Math.abs(usd - 0.0042) < 1e-12, String(usd));
  });
});

describe('marginProblems', () => {
  it('passes a catalog whose every combination sells at cost × margin or more', () => {
    const json = validCatalogJson();
    // 60 credits × $0.0042 = $0.252 ≥ 20 × $0.005 × 1.3 = $0.13.
    assert.deepEqual(marginProblems(parseCatalog(json), ECONOMICS), []);
  });

  it('lists each losing combination of an enabled model with the least price that would pass', () => {
    const json = validCatalogJson();
    // kling 10 s: 120 credits × $0.0042 = $0.504 < 100 × $0.005 × 1.3 = $0.65 → needs ⌈0.65 / 0.0042⌉ = 155.
    (json.models[2]!.prices[1] as { kieCredits: number }).kieCredits = 100;
    // A disabled model is never sold, so its price is not checked.
    (json.models[1]!.prices[0] as { kieCredits: number }).kieCredits = 1000;
    const problems = marginProblems(parseCatalog(json), ECONOMICS);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^kling duration=10: 120 credits bring \$0\.5040 at the "large" pack/);
    assert.match(
      problems[0] ?? '',
      /KIE charges 100 credits = \$0\.5000; at margin 1\.3 it needs at least 155 credits$/,
    );
  });

  it('accepts the least price that passes and refuses one credit less', () => {
    const json = validCatalogJson();
    // banana: cost 1 KIE credit × $0.005 × 1.3 = $0.0065 → at $0.0042 a credit, 2 credits ($0.0084) pass.
    (json.models[0]!.prices[0] as { credits: number }).credits = 2;
    assert.deepEqual(marginProblems(parseCatalog(json), ECONOMICS), []);
    (json.models[0]!.prices[0] as { credits: number }).credits = 1;
    assert.equal(marginProblems(parseCatalog(json), ECONOMICS).length, 1);
  });
});
