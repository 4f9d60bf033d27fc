import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkMarketInput, checkVeoBody, kieCostOf as fakeKieCost, KieReject } from '@tg-genbot/fakes/kie';
import {
  type CatalogModel,
  type InputValues,
  loadCatalog,
  optionValues,
  priceOf,
} from '../../src/catalog/index.ts';
import { veoRequestBody } from '../../src/clients/kie/veo-request-body.ts';

const SHIPPED = fileURLToPath(new URL('../../catalog/catalog.json', import.meta.url));
const PHOTO = 'https://kieai.redpandaai.co/files/tg-genbot/photo.jpg';

/** Every combination of every option of `model` (not only the priced ones). */
function everyChoice(model: CatalogModel): InputValues[] {
  let all: InputValues[] = [{}];
  for (const input of model.inputs)
    all = all.flatMap((c) => optionValues(input).map((v) => ({ ...c, [input.name]: v })));
  return all;
}

/** What the bot would send KIE for these options: the stored input (prompt, options, photo). */
function storedInput(model: CatalogModel, options: InputValues): Record<string, unknown> {
  return { prompt: 'a lighthouse at dusk', ...options, ...(model.needsImage && { image_urls: [PHOTO] }) };
}

/** KIE's refusal of that request as the fake models it, or undefined when it would be accepted. */
function refusal(model: CatalogModel, input: Record<string, unknown>): string | undefined {
  if (model.api === 'market') return checkMarketInput(model.kieModel, input);
  if (model.api !== 'veo') return undefined;
  try {
    checkVeoBody(veoRequestBody({ model: model.kieModel, input }));
    return undefined;
  } catch (error) {
    if (error instanceof KieReject) return error.message;
    throw error;
  }
}

describe('catalog/catalog.json: the models added for issue 11', () => {
  const catalog = loadCatalog(SHIPPED);
  const byId = (id: string) => {
    const model = catalog.models.find((m) => m.id === id);
    assert.ok(model, id);
    return model;
  };

  it('offers Nano Banana 2 / Pro, Seedream 4.5, Kling 3.0, Veo 3.1 Fast / Quality and Suno V5 / V5.5, enabled', () => {
    const offered = catalog.models
      .filter((m) => m.enabled)
      .map((m) => `${m.api}:${m.kieModel}:${m.needsImage}`);
    for (const expected of [
      'market:nano-banana-2:false',
      'market:nano-banana-pro:false',
      'market:seedream/4.5-text-to-image:false',
      'market:seedream/4.5-edit:true',
      'market:kling-3.0/video:false',
      'market:kling-3.0/video:true',
      'veo:veo3_fast:false',
      'veo:veo3_fast:true',
      'veo:veo3:false',
      'suno:V5:false',
      'suno:V5_5:false',
    ]) {
      assert.ok(offered.includes(expected), expected);
    }
  });

  it('sends, for every option combination of every model, a request KIE accepts (as the fake models its docs)', () => {
    for (const model of catalog.models) {
      for (const options of everyChoice(model)) {
        const problem = refusal(model, storedInput(model, options));
        assert.equal(problem, undefined, `${model.id} ${JSON.stringify(options)}`);
      }
    }
  });

  it('records KIE’s cost of every combination at or above what KIE charges for it (kie-api.md §10)', () => {
    for (const model of catalog.models) {
      for (const options of everyChoice(model)) {
        const body =
          model.api === 'veo'
            ? veoRequestBody({ model: model.kieModel, input: storedInput(model, options) })
            : options;
        const kie = fakeKieCost(model.kieModel, body);
        assert.ok(
          priceOf(model, options).kieCredits >= kie,
          `${model.id} ${JSON.stringify(options)}: ${kie}`,
        );
      }
    }
  });

  it('prices by the options KIE bills by: resolution, Kling 3.0 mode × sound × seconds', () => {
    const credits = (id: string, options: InputValues) => priceOf(byId(id), options).kieCredits;
    assert.deepEqual(
      ['1K', '2K', '4K'].map((resolution) => credits('nano-banana-2', { resolution })),
      [8, 12, 18],
    );
    assert.deepEqual(
      ['1K', '2K', '4K'].map((resolution) => credits('nano-banana-pro', { resolution })),
      [18, 18, 24],
    );
    assert.deepEqual(
      ['720p', '1080p'].map((resolution) => credits('veo-3-1-fast', { resolution })),
      [60, 65],
    );
    assert.deepEqual(
      ['720p', '1080p'].map((resolution) => credits('veo-3-1-quality', { resolution })),
      [250, 255],
    );
    assert.equal(credits('kling-3-text-to-video', { mode: 'pro', sound: true, duration: '10' }), 270);
    assert.equal(credits('kling-3-image-to-video', { mode: 'std', sound: false, duration: '5' }), 70);
    assert.equal(credits('seedream-4-5', {}), 7, '$0.0325 = 6.5, counted up');
  });
});
