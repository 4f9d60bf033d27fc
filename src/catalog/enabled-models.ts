import type { Catalog, CatalogModel, ModelKind } from './catalog-schema.ts';

/** Models users may pick, in catalog order; only those of `kind` when given. */
export function enabledModels(catalog: Catalog, kind?: ModelKind): readonly CatalogModel[] {
  return catalog.models.filter((m) => m.enabled && (kind === undefined || m.kind === kind));
}
