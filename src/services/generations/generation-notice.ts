import { type Attributes, SpanKind } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { updateLeasedGeneration } from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { classifyError } from '../../errors/classify-error.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_GENERATION_ID,
  ATTR_BOT_GENERATION_STATUS,
  ATTR_BOT_NOTICE_ATTEMPT,
  SPAN_GENERATION_NOTIFY,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { MAX_NOTICE_ATTEMPTS, noticeRetryDelayMs } from '../notice-retry.ts';
import { toGeneration } from './generation.ts';
import type { GenerationHooks } from './generation-hooks.ts';
import { generationLogFields } from './generation-trace.ts';

export interface NoticeTellerDeps {
  readonly db: Kysely<Database>;
  readonly hooks: GenerationHooks;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
}

/**
 * Tells the user how a settled generation ended, under the lease its settler (or a worker's claim)
 * holds, and clears the debt; when Telegram does not take it and may later, the next try is
 * scheduled (5 s, 15 s, 45 s …); after the last, the refund stands with one error line. Rejects only
 * when the database does (the row's lease then expires and a worker tries again).
 */
export function createNoticeTeller(
  deps: NoticeTellerDeps,
): (row: GenerationRow) => Promise<GenerationRow | undefined> {
  const { db, hooks, logger, clock } = deps;
  return async (row: GenerationRow): Promise<GenerationRow | undefined> => {
    const attempt = row.notice_attempts + 1;
    const attributes: Attributes = {
      [ATTR_BOT_GENERATION_ID]: row.id,
      [ATTR_BOT_GENERATION_STATUS]: row.status,
      [ATTR_BOT_NOTICE_ATTEMPT]: attempt,
    };
    const release = (changes: Parameters<typeof updateLeasedGeneration>[3]) =>
      updateLeasedGeneration(
        db,
        row.id,
        { workerId: row.locked_by ?? '', from: row.status },
        { notice_attempts: attempt, locked_until: null, locked_by: null, updated_at: clock(), ...changes },
      );
    const failure = await withSpan(
      SPAN_GENERATION_NOTIFY,
      { kind: SpanKind.INTERNAL, attributes },
      async () => {
        await hooks.notifyFinal?.(toGeneration(row));
      },
      (error) => classifyError(error).code,
    ).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    if (!failure) return release({ notice_pending: false });
    const fields = { ...generationLogFields(row), err: failure.error, attempt, status: row.status };
    if (attempt >= MAX_NOTICE_ATTEMPTS) {
      // The refund stands; the user can still read the outcome in /history.
      logger?.error('Gave up telling the user how a generation ended', fields);
      return release({ notice_pending: false });
    }
    logger?.warn('Could not tell the user how a generation ended; will try again', fields);
    return release({ next_run_at: new Date(clock().getTime() + noticeRetryDelayMs(attempt)) });
  };
}
