import type { Catalog, CatalogModel } from './catalog-schema.ts';

/** The model with our stable `id`, enabled or not (callers check `enabled`); undefined if unknown. */
export function findModel(catalog: Catalog, id: string): CatalogModel | undefined {
  return catalog.models.find((m) => m.id === id);
}
