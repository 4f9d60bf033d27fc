import type { Catalog } from './catalog-schema.ts';
import { describeCombination, optionValues, pricedCombinations } from './option-combinations.ts';
import { matchingPrices } from './price-of.ts';

/**
 * Problems of the price tables of a schema-valid catalog: a `when` that names an unknown option or
 * value, and any reachable option combination with no price or with several.
 */
export function priceProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  catalog.models.forEach((model, i) => {
    const at = `models[${i}].prices`;
    let tableValid = true;
    model.prices.forEach((row, j) => {
      for (const [name, value] of Object.entries(row.when)) {
        const input = model.inputs.find((x) => x.name === name);
        if (!input) {
          problems.push(`${at}[${j}].when.${name}: not an option of ${model.id}`);
          tableValid = false;
        } else if (!optionValues(input).includes(value)) {
          const allowed = optionValues(input).map(String).join(', ');
          problems.push(`${at}[${j}].when.${name}: must be one of ${allowed}, got ${JSON.stringify(value)}`);
          tableValid = false;
        }
      }
    });
    if (!tableValid) return;
    for (const combination of pricedCombinations(model)) {
      const rows = matchingPrices(model, combination).length;
      if (rows === 1) continue;
      problems.push(
        `${at}: ${rows === 0 ? 'no price' : `${rows} prices`} for ${model.id} ${describeCombination(combination)}`,
      );
    }
  });
  return problems;
}
