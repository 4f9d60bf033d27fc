import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { priceOf } from '../../catalog/index.ts';
import {
  countActiveGenerations,
  findGenerationByCharge,
  insertGeneration,
} from '../../db/repositories/generation.repository.ts';
import { lockUser } from '../../db/repositories/user.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import { LOG_GENERATION_ID, LOG_MODEL_ID } from '../../telemetry/attributes.ts';
import type { BillingService } from '../billing/billing.service.ts';
import type { StartGeneration } from './generation.service.ts';
import { type Generation, toGeneration } from './generation.ts';
import { TooManyGenerationsError } from './generation-errors.ts';

export interface GenerationStarterDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
  readonly dryRun: boolean;
  readonly maxInFlight: number;
  readonly timeoutMs: number;
}

/** `GenerationService.start`: charges the price and records a pending generation in one transaction. */
export function createGenerationStarter(
  deps: GenerationStarterDeps,
): (request: StartGeneration) => Promise<Generation> {
  const { db, billing, logger, clock, dryRun, maxInFlight, timeoutMs } = deps;
  return async (request) => {
    const id = randomUUID();
    const now = clock();
    // The options decide the price (KIE bills per option); the row keeps what was charged.
    const price = priceOf(request.model, request.input).credits;
    const generation = await db.transaction().execute(async (trx) => {
      // Serialises one user's starts (across instances too), so the in-flight bound holds.
      await lockUser(trx, request.userId);
      const charge = dryRun
        ? undefined
        : await billing.chargeIn(trx, request.userId, price, {
            idempotencyKey: request.idempotencyKey,
            reference: id,
          });
      // A replayed key returns the first charge, and that charge's generation.
      const existing = charge && (await findGenerationByCharge(trx, charge.id));
      if (existing) return toGeneration(existing);
      if ((await countActiveGenerations(trx, request.userId)) >= maxInFlight) {
        throw new TooManyGenerationsError(request.userId, maxInFlight);
      }
      const row = await insertGeneration(trx, {
        id,
        user_id: request.userId,
        chat_id: request.chatId,
        model_id: request.model.id,
        kie_model: request.model.kieModel,
        api: request.model.api,
        input: JSON.stringify(request.input),
        price,
        status: 'pending',
        charge_entry_id: charge?.id ?? null,
        dry_run: dryRun,
        traceparent: request.traceparent ?? null,
        status_message_id: request.statusMessageId ?? null,
        source_file_id: request.sourceFileId ?? null,
        next_run_at: now,
        deadline_at: new Date(now.getTime() + timeoutMs),
        created_at: now,
        updated_at: now,
      });
      return toGeneration(row);
    });
    logger?.info(dryRun ? 'Generation started (dry run: nothing charged)' : 'Generation started', {
      [LOG_GENERATION_ID]: generation.id,
      [LOG_MODEL_ID]: generation.modelId,
      user_id: generation.userId,
      price: generation.price,
      ...(dryRun && { dry_run: true }),
    });
    return generation;
  };
}
