import type { Catalog, CatalogPack } from './catalog-schema.ts';
import { describeCombination, pricedCombinations } from './option-combinations.ts';
import { priceOf } from './price-of.ts';

/** What money is worth, from config: the guard compares revenue per credit with KIE's cost. */
export interface PricingEconomics {
  /** US$ per KIE credit (kie-api.md §6: $0.005, third-party figure). */
  readonly kieCreditUsd: number;
  /** US$ the operator receives per Telegram Star (§10: about $0.0087–0.0092). */
  readonly starUsd: number;
  /** Least ratio of revenue to KIE cost, e.g. 1.3. */
  readonly minMargin: number;
}

/** The pack whose credits bring the least money (the most credits per Star), and that value in US$. */
export function cheapestCredit(
  packs: readonly CatalogPack[],
  starUsd: number,
): { readonly pack: CatalogPack; readonly usd: number } {
  let cheapest: { pack: CatalogPack; usd: number } | undefined;
  for (const pack of packs) {
    const usd = (pack.stars * starUsd) / pack.credits;
    if (!cheapest || usd < cheapest.usd) cheapest = { pack, usd };
  }
  if (!cheapest) throw new Error('cheapestCredit: the catalog has no packs');
  return cheapest;
}

const usd = (amount: number) => `$${amount.toFixed(4)}`;

/**
 * Every enabled option combination that sells below KIE's cost × minMargin at the cheapest pack, one
 * readable line each (with the least price that would pass); empty when the catalog makes money.
 */
export function marginProblems(catalog: Catalog, economics: PricingEconomics): string[] {
  const credit = cheapestCredit(catalog.packs, economics.starUsd);
  const problems: string[] = [];
  for (const model of catalog.models) {
    if (!model.enabled) continue;
    for (const combination of pricedCombinations(model)) {
      const price = priceOf(model, combination);
      const revenue = price.credits * credit.usd;
      const floor = price.kieCredits * economics.kieCreditUsd * economics.minMargin;
      // A hair of tolerance so an exact floor is not refused for a rounding error.
      if (revenue + 1e-9 >= floor) continue;
      const least = Math.ceil(floor / credit.usd - 1e-9);
      problems.push(
        `${model.id} ${describeCombination(combination)}: ${price.credits} credits bring ${usd(revenue)} at the ` +
          `"${credit.pack.id}" pack, KIE charges ${price.kieCredits} credits = ` +
          `${usd(price.kieCredits * economics.kieCreditUsd)}; at margin ${economics.minMargin} it needs at least ${least} credits`,
      );
    }
  }
  return problems;
}
