import type { CatalogModel, InputValues } from './catalog-schema.ts';

/** Every option of `model` at its default, keyed by KIE input name (strings stay strings, booleans booleans). */
export function defaultInputs(model: CatalogModel): InputValues {
  return Object.fromEntries(model.inputs.map((input) => [input.name, input.default]));
}
