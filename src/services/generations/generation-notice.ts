import type { Kysely } from 'kysely';
import { updateLeasedGeneration } from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_GENERATION_ID,
  ATTR_BOT_GENERATION_STATUS,
  ATTR_BOT_NOTICE_ATTEMPT,
  SPAN_GENERATION_NOTIFY,
} from '../../telemetry/attributes.ts';
import { createNoticeTeller } from '../jobs/notice-teller.ts';
import { toGeneration } from './generation.ts';
import type { GenerationNotifier } from './generation-notifier.ts';
import { generationLogFields } from './generation-trace.ts';

export interface GenerationNoticeTellerDeps {
  readonly db: Kysely<Database>;
  readonly notifier: GenerationNotifier;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
}

/**
 * Tells the user how a settled generation ended, under the lease its settler (or a worker's claim)
 * holds, and releases it; a notice still owed makes the row due again at the retry time. Rejects
 * only when the database does (the row's lease then expires and a worker tries again).
 */
export function createGenerationNoticeTeller(
  deps: GenerationNoticeTellerDeps,
): (row: GenerationRow) => Promise<GenerationRow | undefined> {
  const { db, notifier, logger, clock } = deps;
  return createNoticeTeller({
    span: SPAN_GENERATION_NOTIFY,
    attributes: (row: GenerationRow, attempt) => ({
      [ATTR_BOT_GENERATION_ID]: row.id,
      [ATTR_BOT_GENERATION_STATUS]: row.status,
      [ATTR_BOT_NOTICE_ATTEMPT]: attempt,
    }),
    tell: async (row) => {
      await notifier.refunded?.(toGeneration(row));
    },
    record: (row, attempt, outcome) =>
      updateLeasedGeneration(
        db,
        row.id,
        { workerId: row.locked_by ?? '', from: row.status },
        {
          notice_attempts: attempt,
          locked_until: null,
          locked_by: null,
          updated_at: clock(),
          ...(outcome.owed ? { next_run_at: outcome.retryAt } : { notice_pending: false }),
        },
      ),
    messages: {
      retry: 'Could not tell the user how a generation ended; will try again',
      gaveUp: 'Gave up telling the user how a generation ended',
    },
    logFields: (row) => ({ ...generationLogFields(row), status: row.status }),
    logger,
    clock,
  });
}
