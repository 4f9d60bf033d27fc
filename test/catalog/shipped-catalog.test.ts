import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkMarketModel, resultKindOf, SUNO_MODELS, VEO_MODELS } from '@tg-genbot/fakes/kie';
import { enabledModels, loadCatalog, MODEL_KINDS, marginProblems, priceOf } from '../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT, parseConfig } from '../../src/config.ts';

const SHIPPED = fileURLToPath(new URL('../../catalog/catalog.json', import.meta.url));

describe('catalog/catalog.json', () => {
  const catalog = loadCatalog(SHIPPED);

  it('is where CATALOG_PATH points by default', () => {
    assert.equal(parseConfig({}).catalogPath, CATALOG_PATH_DEFAULT);
    assert.ok(SHIPPED.endsWith(CATALOG_PATH_DEFAULT.replace(/^\.\//, '')));
  });

  it('offers an enabled model of every kind and the models the brief names', () => {
    for (const kind of MODEL_KINDS) assert.ok(enabledModels(catalog, kind).length > 0, kind);
    const kieModels = catalog.models.map((m) => m.kieModel);
    for (const name of [
      'google/nano-banana',
      'google/nano-banana-edit',
      'kling-2.6/text-to-video',
      'kling-2.6/image-to-video',
    ]) {
      assert.ok(kieModels.includes(name), name);
    }
    assert.ok(catalog.models.some((m) => m.api === 'suno' && m.enabled));
  });

  it('names only models the KIE fake accepts, of the kind the fake produces', () => {
    for (const model of catalog.models) {
      if (model.api === 'suno') assert.ok(SUNO_MODELS.has(model.kieModel), model.id);
      else if (model.api === 'veo') assert.ok(VEO_MODELS.has(model.kieModel), model.id);
      else assert.equal(checkMarketModel(model.kieModel), undefined, model.id);
      const produces = resultKindOf(model.kieModel);
      assert.equal(produces === 'audio' ? 'music' : produces, model.kind, model.id);
    }
  });

  it('takes a photo exactly for edit and image-to-video models', () => {
    for (const model of catalog.models) {
      // Kling 3.0 and Veo take the photo optionally on one model id: our id says which variant it is.
      const photo = /edit|image-to-video/.test(model.kieModel) || /-image(-to-video)?$/.test(model.id);
      assert.equal(model.needsImage, photo, model.id);
    }
  });

  it("sells every enabled option combination at or above KIE's cost × PRICE_MIN_MARGIN (default config)", () => {
    assert.deepEqual(marginProblems(catalog, parseConfig({}).pricing), []);
  });

  it('charges more for the Kling options KIE bills more for (kie-api.md §10)', () => {
    for (const id of ['kling-text-to-video', 'kling-image-to-video']) {
      const model = catalog.models.find((m) => m.id === id);
      assert.ok(model, id);
      const price = (duration: string, sound: boolean) => priceOf(model, { duration, sound });
      assert.equal(price('5', false).kieCredits, 55);
      assert.equal(price('5', true).kieCredits, 110);
      assert.equal(price('10', false).kieCredits, 110);
      assert.equal(price('10', true).kieCredits, 220);
      assert.ok(price('10', true).credits > price('5', true).credits);
      assert.ok(price('5', true).credits > price('5', false).credits);
    }
  });

  it('has at least three Stars packs that get cheaper per credit', () => {
    assert.ok(catalog.packs.length >= 3);
    const perCredit = catalog.packs.map((p) => p.stars / p.credits);
    assert.deepEqual(
      perCredit,
      [...perCredit].sort((a, b) => b - a),
    );
  });

  it('is frozen', () => {
    assert.ok(Object.isFrozen(catalog));
    assert.ok(Object.isFrozen(catalog.models));
    assert.ok(Object.isFrozen(catalog.models[0]?.inputs[0]));
  });
});
