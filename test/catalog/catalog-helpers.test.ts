import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CatalogModel,
  defaultInputs,
  enabledModels,
  findModel,
  findPack,
  parseCatalog,
  validateInputs,
} from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

const catalog = parseCatalog(validCatalogJson());
const model = (id: string): CatalogModel => findModel(catalog, id) ?? assert.fail(`no model ${id}`);

describe('catalog lookups', () => {
  it('enabledModels skips disabled models and filters by kind', () => {
    assert.deepEqual(
      enabledModels(catalog).map((m) => m.id),
      ['banana', 'kling', 'suno'],
    );
    assert.deepEqual(
      enabledModels(catalog, 'image').map((m) => m.id),
      ['banana'],
    );
    assert.deepEqual(
      enabledModels(catalog, 'music').map((m) => m.id),
      ['suno'],
    );
  });

  it('findModel finds disabled models too; undefined for unknown ids', () => {
    assert.equal(findModel(catalog, 'banana-edit')?.enabled, false);
    assert.equal(findModel(catalog, 'missing'), undefined);
  });

  it('findPack finds by id', () => {
    assert.equal(findPack(catalog, 'medium')?.stars, 140);
    assert.equal(findPack(catalog, 'huge'), undefined);
  });
});

describe('defaultInputs', () => {
  it('keeps KIE types: enum values as strings, booleans as booleans', () => {
    assert.deepEqual(defaultInputs(model('kling')), { duration: '5', sound: false });
    assert.deepEqual(defaultInputs(model('suno')), { instrumental: false });
    assert.deepEqual(defaultInputs(model('banana-edit')), {});
  });

  it('returns a fresh object each time', () => {
    const a = defaultInputs(model('kling'));
    a.duration = '10';
    assert.equal(defaultInputs(model('kling')).duration, '5');
  });
});

describe('validateInputs', () => {
  it('fills in defaults for options not given', () => {
    assert.deepEqual(validateInputs(model('kling'), {}), {
      ok: true,
      inputs: { duration: '5', sound: false },
    });
    assert.deepEqual(validateInputs(model('kling'), { duration: '10' }), {
      ok: true,
      inputs: { duration: '10', sound: false },
    });
    assert.deepEqual(validateInputs(model('kling'), { sound: true, duration: '5' }), {
      ok: true,
      inputs: { duration: '5', sound: true },
    });
  });

  it('rejects unknown keys, naming the options there are', () => {
    assert.deepEqual(validateInputs(model('kling'), { resolution: '1080p' }), {
      ok: false,
      problems: ['resolution: not an option of kling (options: duration, sound)'],
    });
    assert.deepEqual(validateInputs(model('banana-edit'), { duration: '5' }), {
      ok: false,
      problems: ['duration: not an option of banana-edit (options: none)'],
    });
  });

  it('rejects values out of range or of the wrong type', () => {
    assert.deepEqual(validateInputs(model('kling'), { duration: '7', sound: 'yes' }), {
      ok: false,
      problems: ['duration: must be one of 5, 10, got "7"', 'sound: must be true or false, got "yes"'],
    });
    const numeric = validateInputs(model('kling'), { duration: 5 });
    assert.equal(numeric.ok, false, 'KIE wants the string "5", not the number');
  });

  it('does not treat inherited object keys as options', () => {
    const result = validateInputs(model('kling'), JSON.parse('{"__proto__": {"x": 1}, "constructor": "5"}'));
    assert.equal(result.ok, false);
  });
});
