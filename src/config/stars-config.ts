import { z } from 'zod';
import { intAtLeast } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** Stars payments: reconciliation against Telegram's record, and where users get help (.env.example "Stars payments"). */
export const starsConfig = {
  /** Reconciliation of Stars payments against getStarTransactions, and the /paysupport contact. */
  stars: z
    .object({
      /** Least time between two reconciliation passes (across instances). @default 300000 */
      reconcileIntervalMs: fromEnv(
        'STARS_RECONCILE_INTERVAL_MS',
        intAtLeast(10_000, 5 * 60_000, 'must be milliseconds, at least 10000'),
      ),
      /** Payments older than this are not reconciled (an operator's matter by then). @default 604800000 (7 d) */
      reconcileLookbackMs: fromEnv(
        'STARS_RECONCILE_LOOKBACK_MS',
        intAtLeast(3_600_000, 7 * 24 * 3_600_000, 'must be milliseconds, at least 3600000 (1 h)'),
      ),
      /** Shown by /paysupport (e.g. `@my_support` or an e-mail); unset: users are asked to write to the bot. */
      supportContact: fromEnv(
        'SUPPORT_CONTACT',
        z
          .string()
          .max(200, { message: 'must be at most 200 characters' })
          .optional()
          .transform((s) => s?.trim()),
      ),
    })
    .readonly(),
};
