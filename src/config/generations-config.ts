import { hostname } from 'node:os';
import { z } from 'zod';
import { booleanFlag, milliseconds, nonNegativeInt, optionalHttpUrl, positiveInt } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** The generation flow (src/services/generations, src/bot/features/generate; .env.example "Generations"). */
export const generationsConfig = {
  /** The generation flow's settings. */
  generations: z
    .object({
      /** DRY_RUN=true: the whole flow runs, KIE is not called, nothing is charged. @default false */
      dryRun: fromEnv('DRY_RUN', booleanFlag('false')),
      /** Where KIE can reach this bot (callBackUrl = PUBLIC_URL/kie/callback); polling is then a safety net. */
      publicUrl: fromEnv(
        'PUBLIC_URL',
        optionalHttpUrl('must be an http(s) URL where KIE can reach this bot'),
      ),
      /** Generations one user may have unfinished at once. @default 3 */
      maxInFlightPerUser: fromEnv('GENERATION_MAX_IN_FLIGHT', positiveInt(3)),
      /** Give up on a task (and refund) after this long. @default 900000 */
      timeoutMs: fromEnv('GENERATION_TIMEOUT_MS', milliseconds(15 * 60_000)),
      /** First poll interval; later ones grow from it (×3⅓ after 30 s, ×10 after 2 min). @default 3000 */
      pollFirstMs: fromEnv('GENERATION_POLL_MS', milliseconds(3000)),
      /** Least time between two edits of a chat's status message (final states are never held back). @default 4000 */
      statusIntervalMs: fromEnv(
        'GENERATION_STATUS_INTERVAL_MS',
        nonNegativeInt(4000, 'must be milliseconds'),
      ),
    })
    .readonly(),
  /** Names this process's worker leases; stable across restarts (defaults to the hostname). */
  instanceId: fromEnv(
    'INSTANCE_ID',
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, { message: 'must be 1–64 characters of A-Z a-z 0-9 _ . -' })
      .optional()
      .transform((id) => id ?? hostname()),
  ),
};
