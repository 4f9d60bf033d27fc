import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCatalog, priceOf, priceRange } from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

const catalog = parseCatalog(validCatalogJson());
const model = (id: string) => {
  const found = catalog.models.find((m) => m.id === id);
  assert.ok(found, id);
  return found;
};

describe('priceOf', () => {
  it('picks the row the chosen options match, ignoring options that do not change the price', () => {
    const kling = model('kling');
    assert.deepEqual(
      { ...priceOf(kling, { duration: '10', sound: true, prompt: 'x' }) },
      {
        when: { duration: '10' },
        credits: 120,
        kieCredits: 40,
      },
    );
    assert.equal(priceOf(kling, { duration: '5', sound: false }).credits, 60);
  });

  it('takes an option left out at its default', () => {
    assert.equal(priceOf(model('kling'), {}).credits, 60);
  });

  it('throws on a value no row prices (an invalid option), never guessing a price', () => {
    assert.throws(() => priceOf(model('kling'), { duration: '15' }), /kling: no price for duration=15/);
  });
});

describe('priceRange', () => {
  it('is the cheapest and the dearest combination', () => {
    assert.deepEqual(priceRange(model('kling')), { min: 60, max: 120 });
    assert.deepEqual(priceRange(model('banana')), { min: 5, max: 5 });
  });
});
