import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CatalogError, loadCatalog } from '../../src/catalog/index.ts';
import { validCatalogJson } from './valid-catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function catalogErrorOf(file: string): CatalogError {
  try {
    loadCatalog(file);
  } catch (error) {
    assert.ok(error instanceof CatalogError, String(error));
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`Invalid catalog ${file}:\n`), error.message);
    return error;
  }
  assert.fail('expected CatalogError');
}

describe('loadCatalog', () => {
  it('loads a valid file', () => {
    const catalog = loadCatalog(write('ok.json', JSON.stringify(validCatalogJson())));
    assert.equal(catalog.models[0]?.id, 'banana');
  });

  it('names a missing file and the variable to set', () => {
    const file = join(dir, 'nope.json');
    const error = catalogErrorOf(file);
    assert.deepEqual(error.problems, [`${file}: file not found (set CATALOG_PATH to the catalog JSON file)`]);
  });

  it('names a file that is not JSON', () => {
    const file = write('bad.json', '{ "models": [,] }');
    const error = catalogErrorOf(file);
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0] ?? '', /invalid JSON/);
    assert.ok(error.problems[0]?.startsWith(`${file}: `));
  });

  it('names the file when its content is invalid, keeping the JSON paths', () => {
    const json = validCatalogJson();
    (json.models[0]!.prices[0] as { credits: number }).credits = 0;
    const error = catalogErrorOf(write('invalid.json', JSON.stringify(json)));
    assert.deepEqual(error.problems, ['models[0].prices[0].credits: must be a positive integer']);
  });
});
