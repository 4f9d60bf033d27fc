/** Generation models and Stars packs from catalog/catalog.json, validated at start-up. */
export { CatalogError } from './catalog-error.ts';
export {
  type Catalog,
  type CatalogModel,
  type CatalogPack,
  catalogSchema,
  type InputValues,
  type LocalizedText,
  MODEL_KINDS,
  type ModelApi,
  type ModelInput,
  type ModelKind,
  type PriceRow,
  RESERVED_INPUT_NAMES,
  SUNO_MODEL_NAMES,
  VEO_INPUT_NAMES,
  VEO_MODEL_NAMES,
} from './catalog-schema.ts';
export { defaultInputs } from './default-inputs.ts';
export { enabledModels } from './enabled-models.ts';
export { findModel } from './find-model.ts';
export { findPack } from './find-pack.ts';
export { loadCatalog } from './load-catalog.ts';
export { cheapestCredit, marginProblems, type PricingEconomics } from './margin-guard.ts';
export { describeCombination, optionValues, pricedCombinations } from './option-combinations.ts';
export { parseCatalog } from './parse-catalog.ts';
export { priceOf, priceRange } from './price-of.ts';
export { type InputsCheck, validateInputs } from './validate-inputs.ts';
