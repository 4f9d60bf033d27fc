import type { CatalogModel, InputValues, ModelInput } from './catalog-schema.ts';

/** The values a user can pick for one option. */
export function optionValues(input: ModelInput): ReadonlyArray<string | boolean> {
  return input.type === 'enum' ? input.values : [true, false];
}

/** Names of the options that change a model's price: the ones any price row's `when` names, in input order. */
export function pricedOptionNames(model: Pick<CatalogModel, 'prices' | 'inputs'>): readonly string[] {
  const named = new Set(model.prices.flatMap((row) => Object.keys(row.when)));
  return model.inputs.filter((input) => named.has(input.name)).map((input) => input.name);
}

/**
 * Every combination of the priced options' values (the other options do not change the price), so
 * checks over "every reachable combination" stay small: 3 resolutions × 2 flags = 6, not × 11 ratios.
 */
export function pricedCombinations(model: Pick<CatalogModel, 'prices' | 'inputs'>): readonly InputValues[] {
  let combinations: InputValues[] = [{}];
  for (const name of pricedOptionNames(model)) {
    const input = model.inputs.find((i) => i.name === name);
    if (!input) continue;
    combinations = combinations.flatMap((c) => optionValues(input).map((v) => ({ ...c, [name]: v })));
  }
  return combinations;
}

/** `duration=10, sound=true`, or `(every option)` for a model with one price. */
export function describeCombination(values: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(values).map(([name, value]) => `${name}=${String(value)}`);
  return parts.length > 0 ? parts.join(', ') : '(every option)';
}
