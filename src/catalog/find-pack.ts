import type { Catalog, CatalogPack } from './catalog-schema.ts';

/** The Stars pack with `id`, or undefined if unknown. */
export function findPack(catalog: Catalog, id: string): CatalogPack | undefined {
  return catalog.packs.find((p) => p.id === id);
}
