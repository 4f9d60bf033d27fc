import { readFileSync } from 'node:fs';
import { CatalogError } from './catalog-error.ts';
import type { Catalog } from './catalog-schema.ts';
import { parseCatalog } from './parse-catalog.ts';

/** Reads and validates the catalog file at start-up; throws CatalogError naming the file. */
export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? `${path}: file not found (set CATALOG_PATH to the catalog JSON file)`
        : `${path}: cannot read the file (${code ?? String(error)})`;
    throw new CatalogError([problem], { file: path, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError([`${path}: invalid JSON (${(error as Error).message})`], {
      file: path,
      cause: error,
    });
  }
  try {
    return parseCatalog(json);
  } catch (error) {
    if (error instanceof CatalogError)
      throw new CatalogError(error.problems, { file: path, cause: error.cause });
    throw error;
  }
}
