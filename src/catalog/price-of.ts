import type { CatalogModel, PriceRow } from './catalog-schema.ts';

/** What pricing reads of a model. */
export type PricedModel = Pick<CatalogModel, 'id' | 'prices' | 'inputs'>;

import { describeCombination, pricedCombinations } from './option-combinations.ts';

/** The rows of `model.prices` whose `when` holds for `inputs` (options missing from `inputs` take their default). */
export function matchingPrices(
  model: PricedModel,
  inputs: Readonly<Record<string, unknown>>,
): readonly PriceRow[] {
  const chosen = (name: string) => inputs[name] ?? model.inputs.find((i) => i.name === name)?.default;
  return model.prices.filter((row) => Object.entries(row.when).every(([name, v]) => chosen(name) === v));
}

/**
 * What a generation of `model` with these options costs: `credits` charged to the user, `kieCredits`
 * charged by KIE. The one place a price is read; a validated catalog has exactly one row per combination.
 */
export function priceOf(model: PricedModel, inputs: Readonly<Record<string, unknown>>): PriceRow {
  const [row, ...others] = matchingPrices(model, inputs);
  if (!row || others.length > 0) {
    // parseCatalog rules this out for every valid option set, so this is a bug or an invalid option.
    // Only the options are named: `inputs` may also hold the prompt, which stays out of errors and logs.
    const options = Object.fromEntries(
      model.inputs.filter((i) => i.name in inputs).map((i) => [i.name, inputs[i.name]]),
    );
    throw new Error(
      `${model.id}: ${others.length > 0 ? 'several prices' : 'no price'} for ${describeCombination(options)}`,
    );
  }
  return row;
}

/** The cheapest and dearest price over every option combination (the model list shows "from N"). */
export function priceRange(model: PricedModel): { readonly min: number; readonly max: number } {
  const credits = pricedCombinations(model).map((c) => priceOf(model, c).credits);
  return { min: Math.min(...credits), max: Math.max(...credits) };
}
