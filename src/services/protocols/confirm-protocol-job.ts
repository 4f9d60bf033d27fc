import type { Kysely } from 'kysely';
import { lockProtocolJob, updateProtocolJob } from '../../db/repositories/protocol-job.repository.ts';
import { clearPastePartTexts } from '../../db/repositories/protocol-paste-part.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { BillingService } from '../billing/billing.service.ts';
import type { ConfirmResult, ProtocolService, ProtocolSettings } from './protocol.service.ts';
import { toProtocolJob } from './protocol-job.ts';

export interface JobConfirmerDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly settings: ProtocolSettings;
  readonly clock: () => Date;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly quoteTtlMs: number;
}

/** `ProtocolService.confirm`: checks the button's owner and age, charges and marks the job running. */
export function createJobConfirmer(deps: JobConfirmerDeps): ProtocolService['confirm'] {
  const { db, billing, settings, clock, workerId, leaseMs, quoteTtlMs } = deps;
  return async ({ jobId, userId, statusMessageId, traceparent, expectedPrice }) => {
    const now = clock();
    return db.transaction().execute(async (trx): Promise<ConfirmResult> => {
      const row = await lockProtocolJob(trx, jobId);
      if (!row) return { kind: 'not_found' };
      if (row.user_id !== userId) return { kind: 'not_yours' };
      if (row.status === 'cancelled') return { kind: 'cancelled' };
      if (row.status !== 'quoted') return { kind: 'already', job: toProtocolJob(row) };
      if (now.getTime() - row.created_at.getTime() > quoteTtlMs) {
        await updateProtocolJob(trx, jobId, 'quoted', {
          status: 'cancelled',
          input_text: null,
          updated_at: now,
        });
        await clearPastePartTexts(trx, jobId);
        return { kind: 'expired' };
      }
      // Never more than the button said: a part of the paste joined after the user saw it.
      if (expectedPrice !== undefined && expectedPrice !== row.price) {
        return { kind: 'changed', job: toProtocolJob(row) };
      }
      // The job holds the joined text from here on.
      await clearPastePartTexts(trx, jobId);
      // Throws InsufficientBalanceError (rolling everything back) when the balance is too low.
      const charge = await billing.chargeIn(trx, userId, row.price, {
        idempotencyKey: `protocol:${jobId}`,
        reference: jobId,
      });
      const started = await updateProtocolJob(trx, jobId, 'quoted', {
        status: 'running',
        charge_entry_id: charge.id,
        status_message_id: statusMessageId,
        traceparent: traceparent ?? null,
        started_at: now,
        deadline_at: new Date(now.getTime() + settings.jobTimeoutMs),
        // Leased to this instance from the start, so no sweep elsewhere picks it up before run().
        locked_by: workerId,
        locked_until: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
      if (!started) throw new Error(`Job ${jobId} changed under its row lock`);
      return { kind: 'started', job: toProtocolJob(started) };
    });
  };
}
