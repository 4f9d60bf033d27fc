import { z } from 'zod';
import { intAtLeast, milliseconds, nonNegativeInt, positiveInt } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

const CREDITS = 'must be a whole number of credits';

/** The protocol flow (src/services/protocols; .env.example "Protocols"). */
export const protocolConfig = {
  /** The protocol flow's settings. */
  protocol: z
    .object({
      /** Longest segment in characters; cuts go on paragraph, then sentence boundaries. @default 6000 */
      segmentChars: fromEnv(
        'PROTOCOL_SEGMENT_CHARS',
        intAtLeast(200, 6000, 'must be an integer of at least 200'),
      ),
      /** Segment calls in flight at once per job. @default 4 */
      concurrency: fromEnv('PROTOCOL_CONCURRENCY', positiveInt(4)),
      /** A text message at least this long is offered as a protocol (documents always are). @default 1000 */
      minChars: fromEnv('PROTOCOL_MIN_CHARS', positiveInt(1000)),
      /** @default 200000 */
      maxChars: fromEnv('PROTOCOL_MAX_CHARS', positiveInt(200_000)),
      /** Credits per job. @default 2 */
      priceBase: fromEnv('PROTOCOL_PRICE_BASE', nonNegativeInt(2, CREDITS)),
      /** Credits per segment. @default 1 */
      pricePerSegment: fromEnv('PROTOCOL_PRICE_PER_SEGMENT', nonNegativeInt(1, CREDITS)),
      /** Least time between two progress edits of the status message. @default 3000 */
      progressIntervalMs: fromEnv(
        'PROTOCOL_PROGRESS_INTERVAL_MS',
        nonNegativeInt(3000, 'must be milliseconds'),
      ),
      /** From confirmation to giving up and refunding. @default 1800000 */
      jobTimeoutMs: fromEnv('PROTOCOL_JOB_TIMEOUT_MS', milliseconds(30 * 60_000)),
      /**
       * A text message sent at most this long (by Telegram's message dates) after a part a client cut
       * off a longer paste joins it: one quote, one price. 0 turns the merge off. @default 3000
       */
      pasteMergeMs: fromEnv('PASTE_MERGE_MS', nonNegativeInt(3000, 'must be milliseconds')),
    })
    .readonly(),
};
