import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogError, parseCatalog, priceOf } from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

/** The valid catalog plus one Veo model, edited by `edit`. */
function withVeo(edit: (veo: Record<string, unknown>) => void = () => {}) {
  const label = (en: string) => ({ en, ru: `${en} (ru)` });
  const veo: Record<string, unknown> = {
    id: 'veo-fast',
    kind: 'video',
    api: 'veo',
    kieModel: 'veo3_fast',
    title: label('Veo'),
    description: label('Videos'),
    prices: [
      { when: { resolution: '720p' }, credits: 107, kieCredits: 60 },
      { when: { resolution: '1080p' }, credits: 116, kieCredits: 65 },
    ],
    enabled: true,
    needsImage: true,
    promptMaxLength: 2000,
    inputs: [
      {
        name: 'resolution',
        label: label('Quality'),
        type: 'enum',
        values: ['720p', '1080p'],
        default: '720p',
      },
      { name: 'aspectRatio', label: label('Ratio'), type: 'enum', values: ['16:9', '9:16'], default: '16:9' },
      { name: 'duration', label: label('Length'), type: 'enum', values: ['4', '6', '8'], default: '8' },
    ],
  };
  edit(veo);
  const json = validCatalogJson();
  (json.models as unknown[]).push(veo);
  return json;
}

function problemsOf(json: unknown): readonly string[] {
  try {
    parseCatalog(json);
  } catch (error) {
    assert.ok(error instanceof CatalogError);
    return error.problems;
  }
  assert.fail('expected CatalogError');
}

describe('parseCatalog: Veo models (api veo, kie-api.md §8)', () => {
  it('accepts a Veo model with camelCase options, a photo, and prices by resolution', () => {
    const veo = parseCatalog(withVeo()).models.at(-1);
    assert.deepEqual([veo?.api, veo?.kieModel, veo?.needsImage], ['veo', 'veo3_fast', true]);
    assert.equal(veo && priceOf(veo, { resolution: '1080p', duration: '4' }).credits, 116);
  });

  it('refuses a model name Veo does not have, a kind other than video, and Market option names', () => {
    assert.deepEqual(
      problemsOf(
        withVeo((v) => {
          v.kieModel = 'veo-3.1-fast';
          v.kind = 'image';
          (v.inputs as Array<Record<string, unknown>>)[1] = {
            ...(v.inputs as Array<Record<string, unknown>>)[1],
            name: 'aspect_ratio',
          };
        }),
      ),
      [
        'models[4].kieModel: must be a Veo model (veo3, veo3_fast, veo3_lite), got "veo-3.1-fast"',
        'models[4].kind: must be video for a veo model, got "image"',
        'models[4].inputs[1].name: must be a Veo option (aspectRatio, resolution, duration, enableTranslation), got "aspect_ratio"',
      ],
    );
  });

  it('keeps imageUrls for the bot: a catalog may not offer it as an option', () => {
    const problems = problemsOf(
      withVeo((v) => {
        (v.inputs as unknown[]).push({
          name: 'imageUrls',
          label: { en: 'x', ru: 'x' },
          type: 'boolean',
          default: false,
        });
      }),
    );
    assert.ok(
      problems.some(
        (p) => p === 'models[4].inputs[3].name: "imageUrls" is set by the bot, not chosen by the user',
      ),
      problems.join('\n'),
    );
  });
});
