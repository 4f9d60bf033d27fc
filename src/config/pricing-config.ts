import { z } from 'zod';
import { numberAtLeast, positiveNumber } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

const USD = 'must be a positive number of US dollars';

/** What money is worth, for the catalog's margin guard (src/catalog/margin-guard.ts, kie-api.md §6, §10). */
export const pricingConfig = {
  /**
   * What a KIE credit and a Star are worth, and the least margin every price must keep: every enabled
   * option combination must sell at ≥ KIE cost × minMargin.
   */
  pricing: z
    .object({
      /** Third-party figure (kie-api.md §6); KIE may change it, so it is configuration. @default 0.005 */
      kieCreditUsd: fromEnv('KIE_CREDIT_USD', positiveNumber(0.005, USD)),
      /**
       * What the operator receives per Star: the low end of the reported payout (kie-api.md §10), so the
       * guard errs on the safe side. @default 0.0087
       */
      starUsd: fromEnv('STARS_USD', positiveNumber(0.0087, USD)),
      /** @default 1.3 */
      minMargin: fromEnv(
        'PRICE_MIN_MARGIN',
        numberAtLeast(1, 1.3, "must be a number of at least 1 (1.3 = sell at 130 % of KIE's cost)"),
      ),
    })
    .readonly(),
};
