import { z } from 'zod';
import { numberAtLeast } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

const CHECK_MESSAGE = 'must be milliseconds (0 turns the check off)';

/** The periodic KIE balance check (src/services/kie-balance; .env.example "KIE balance check"). */
export const kieBalanceConfig = {
  /** The KIE balance check: a free GET /api/v1/chat/credit per instance per interval. */
  kieBalance: z
    .object({
      /** Between two checks; 0 = no checks (no balance gauge). @default 300000 */
      checkIntervalMs: fromEnv(
        'KIE_BALANCE_CHECK_MS',
        z.coerce
          .number({ message: CHECK_MESSAGE })
          .int({ message: CHECK_MESSAGE })
          .min(0, { message: CHECK_MESSAGE })
          .default(5 * 60_000),
      ),
      /** The balance alert fires below this many KIE credits (exported as a gauge). @default 2000 */
      alertBelow: fromEnv(
        'KIE_BALANCE_ALERT_BELOW',
        numberAtLeast(0, 2000, 'must be a number of KIE credits, at least 0'),
      ),
    })
    .readonly(),
};
