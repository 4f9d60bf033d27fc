import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertGeneration } from '../../../src/db/repositories/generation.repository.ts';
import type { Database } from '../../../src/db/schema.ts';
import type {
  GenerationApi,
  GenerationRow,
  GenerationStatus,
} from '../../../src/db/tables/generations.table.ts';
import type { BillingService } from '../../../src/services/billing/billing.service.ts';

/** A W3C traceparent with a known trace id. */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${'ab'.repeat(8)}-01`;
}

export interface SeedGeneration {
  readonly userId: number;
  readonly status: GenerationStatus;
  readonly modelId?: string;
  readonly kieModel?: string;
  /** @default 'market' */
  readonly api?: GenerationApi;
  readonly price?: number;
  readonly kieTaskId?: string;
  readonly traceparent?: string;
  readonly failCode?: string;
  /** What KIE reported it charged (KIE credits). */
  readonly kieCreditsConsumed?: number;
  /** @default now + 1 h, so only a re-check makes it due */
  readonly nextRunAt?: Date;
  readonly createdAt?: Date;
}

/**
 * A generation row as the generation service leaves it, written directly: charged through the ledger,
 * and refunded too when the status says so (the schema ties refunds to the failed states).
 */
export async function seedGeneration(
  db: Kysely<Database>,
  billing: BillingService,
  seed: SeedGeneration,
): Promise<GenerationRow> {
  const id = randomUUID();
  const price = seed.price ?? 7;
  const charge = await billing.charge(seed.userId, price, { idempotencyKey: `charge:${id}`, reference: id });
  const refunded = ['failed', 'timed_out', 'refunded', 'cancelled'].includes(seed.status);
  const refund = refunded ? await billing.refund(charge.id, { idempotencyKey: `refund:${id}` }) : undefined;
  const now = new Date();
  return insertGeneration(db, {
    id,
    user_id: seed.userId,
    chat_id: seed.userId,
    model_id: seed.modelId ?? 'nano-banana',
    kie_model: seed.kieModel ?? 'google/nano-banana',
    ...(seed.api && { api: seed.api }),
    input: JSON.stringify({ prompt: 'a fox' }),
    price,
    status: seed.status,
    kie_task_id: seed.kieTaskId ?? null,
    charge_entry_id: charge.id,
    refund_entry_id: refund?.id ?? null,
    traceparent: seed.traceparent ?? null,
    fail_code: seed.failCode ?? null,
    kie_credits_consumed: seed.kieCreditsConsumed ?? null,
    next_run_at: seed.nextRunAt ?? new Date(now.getTime() + 3600_000),
    deadline_at: new Date(now.getTime() + 900_000),
    created_at: seed.createdAt ?? now,
    updated_at: now,
  });
}
