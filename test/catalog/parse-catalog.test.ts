import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogError, parseCatalog } from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

type Json = ReturnType<typeof validCatalogJson>;

function problemsOf(json: unknown): readonly string[] {
  try {
    parseCatalog(json);
  } catch (error) {
    assert.ok(error instanceof CatalogError);
    assert.match(error.message, /^Invalid catalog:\n {2}- /);
    return error.problems;
  }
  assert.fail('expected CatalogError');
}

function broken(edit: (json: Json) => void): Json {
  const json = validCatalogJson();
  edit(json);
  return json;
}

describe('parseCatalog', () => {
  it('accepts a valid catalog', () => {
    const catalog = parseCatalog(validCatalogJson());
    assert.equal(catalog.models.length, 4);
    assert.equal(catalog.packs.length, 3);
  });

  const cases: Array<[string, (json: Json) => void, RegExp]> = [
    [
      'a duplicate model id',
      (j) => {
        j.models[2].id = 'banana';
      },
      /^models\[2\]\.id: duplicate id "banana" \(also models\[0\]\)$/,
    ],
    [
      'a duplicate pack id',
      (j) => {
        j.packs[2].id = 'small';
      },
      /^packs\[2\]\.id: duplicate id "small"/,
    ],
    [
      'a negative price',
      (j) => {
        (j.models[2].prices[0] as { credits: number }).credits = -5;
      },
      /^models\[2\]\.prices\[0\]\.credits: must be a positive integer$/,
    ],
    [
      'a fractional price',
      (j) => {
        (j.models[1].prices[0] as { credits: number }).credits = 2.5;
      },
      /^models\[1\]\.prices\[0\]\.credits: must be a positive integer$/,
    ],
    [
      'a missing price table',
      (j) => {
        delete (j.models[1] as Partial<Json['models'][number]>).prices;
      },
      /^models\[1\]\.prices: is required$/,
    ],
    [
      "a price without KIE's cost",
      (j) => {
        delete (j.models[0].prices[0] as { kieCredits?: number }).kieCredits;
      },
      /^models\[0\]\.prices\[0\]\.kieCredits: is required$/,
    ],
    [
      'an option combination without a price',
      (j) => {
        j.models[2].prices.pop();
      },
      /^models\[2\]\.prices: no price for kling duration=10$/,
    ],
    [
      'an option combination with two prices',
      (j) => {
        j.models[2].prices.push({ when: { duration: '10' }, credits: 70, kieCredits: 20 });
      },
      /^models\[2\]\.prices: 2 prices for kling duration=10$/,
    ],
    [
      'a price for an option the model does not have',
      (j) => {
        j.models[0].prices[0] = { when: { resolution: '4K' }, credits: 5, kieCredits: 1 };
      },
      /^models\[0\]\.prices\[0\]\.when\.resolution: not an option of banana$/,
    ],
    [
      'a price for a value the option does not offer',
      (j) => {
        (j.models[2].prices[1] as { when: Record<string, unknown> }).when = { duration: '15' };
      },
      /^models\[2\]\.prices\[1\]\.when\.duration: must be one of 5, 10, got "15"$/,
    ],
    [
      'a default that is not one of the values',
      (j) => {
        j.models[2].inputs[0]!.default = '7';
      },
      /^models\[2\]\.inputs\[0\]\.default: "7" is not one of 5, 10$/,
    ],
    [
      'a boolean input with a string default',
      (j) => {
        j.models[2].inputs[1]!.default = 'true';
      },
      /^models\[2\]\.inputs\[1\]\.default: must be true or false/,
    ],
    [
      'an unknown input type',
      (j) => {
        j.models[2].inputs[1]!.type = 'number';
      },
      /^models\[2\]\.inputs\[1\]\.type: must be one of enum, boolean, got "number"$/,
    ],
    [
      'an unknown kind',
      (j) => {
        j.models[1].kind = 'audio';
      },
      /^models\[1\]\.kind: must be one of image, video, music, got "audio"$/,
    ],
    [
      'a missing ru title',
      (j) => {
        delete (j.models[3].title as { ru?: string }).ru;
      },
      /^models\[3\]\.title\.ru: is required$/,
    ],
    [
      'an empty en pack title',
      (j) => {
        j.packs[0].title.en = ' ';
      },
      /^packs\[0\]\.title\.en: must not be empty$/,
    ],
    [
      'empty packs',
      (j) => {
        j.packs = [];
      },
      /^packs: must list at least one pack$/,
    ],
    [
      'needsImage on a suno model',
      (j) => {
        j.models[3].needsImage = true;
      },
      /^models\[3\]\.needsImage: only market models can take a photo \(api is suno\)$/,
    ],
    [
      'a suno model that is not music',
      (j) => {
        j.models[3].kind = 'video';
      },
      /^models\[3\]\.kind: must be music for a suno model, got "video"$/,
    ],
    [
      'an unknown Suno model',
      (j) => {
        j.models[3].kieModel = 'V3';
      },
      /^models\[3\]\.kieModel: must be a Suno model \(V4, .*\), got "V3"$/,
    ],
    [
      'a market model id with three segments',
      (j) => {
        j.models[0].kieModel = 'google/nano/banana';
      },
      /^models\[0\]\.kieModel: must be a KIE model id like provider\/model/,
    ],
    [
      'a duplicate input name',
      (j) => {
        j.models[2].inputs[1]!.name = 'duration';
      },
      /^models\[2\]\.inputs\[1\]\.name: duplicate input "duration"$/,
    ],
    [
      'an input the bot sets itself',
      (j) => {
        j.models[0].inputs[0]!.name = 'prompt';
      },
      /^models\[0\]\.inputs\[0\]\.name: "prompt" is set by the bot/,
    ],
    [
      'a kind without an enabled model',
      (j) => {
        j.models[2].enabled = false;
      },
      /^models: no enabled model of kind "video"/,
    ],
    [
      'an id unfit for callback data',
      (j) => {
        j.models[0].id = 'Nano Banana';
      },
      /^models\[0\]\.id: must be 1–32 characters/,
    ],
    [
      'a misspelled key',
      (j) => {
        (j.packs[1] as Record<string, unknown>).star = 5;
      },
      /^packs\[1\]: unknown key "star"$/,
    ],
    [
      'a non-positive stars amount',
      (j) => {
        j.packs[1].stars = 0;
      },
      /^packs\[1\]\.stars: must be a positive integer$/,
    ],
  ];
  for (const [name, edit, expected] of cases) {
    it(`reports ${name} on its own line with the path`, () => {
      const problems = problemsOf(broken(edit));
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', expected);
    });
  }

  it('lists several problems at once', () => {
    const problems = problemsOf(
      broken((j) => {
        (j.models[0].prices[0] as { credits: number }).credits = -1;
        j.models[1].kind = 'audio';
        j.models[2].id = 'banana';
        j.models[2].inputs[0]!.default = '7';
        j.models[3].needsImage = true;
        delete (j.models[3].title as { ru?: string }).ru;
        j.packs = [];
      }),
    );
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'models[0].prices[0].credits',
      'models[1].kind',
      'models[2].id',
      'models[2].inputs[0].default',
      'models[3].needsImage',
      'models[3].title.ru',
      'packs',
    ]);
  });

  it('rejects something that is not a catalog at all', () => {
    assert.deepEqual(problemsOf([]), ['(root): must be an object, got []']);
    assert.deepEqual(problemsOf({}), ['models: is required', 'packs: is required']);
  });
});
