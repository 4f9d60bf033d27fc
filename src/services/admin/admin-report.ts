import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import { traceIdOf } from '../../telemetry/trace-id-of.ts';
import type { LedgerEntry } from '../billing/ledger-entry.ts';
import type { User } from '../user.service.ts';

/** The numbers `/admin` shows. */
export interface AdminTotals {
  readonly users: number;
  /** Users seen in the last 24 hours. */
  readonly activeUsers: number;
  /** Credits on every balance together. */
  readonly creditsHeld: number;
  readonly toppedUp: number;
  /** Credits taken by charges, refunds not subtracted. */
  readonly charged: number;
  readonly refunded: number;
  readonly adjustedUp: number;
  readonly adjustedDown: number;
  readonly generations: number;
  readonly generationsByStatus: Readonly<Partial<Record<GenerationStatus, number>>>;
  /** Pending, creating, of unknown create outcome, running or awaiting delivery: the worker still drives them. */
  readonly inFlight: number;
}

/** One generation as an admin sees it: enough to find its trace and its KIE task. */
export interface GenerationSummary {
  readonly id: string;
  readonly userId: number;
  readonly modelId: string;
  readonly kieModel: string;
  readonly status: GenerationStatus;
  readonly price: number;
  /** What KIE reported it charged for the task (KIE credits), once known. */
  readonly kieCreditsConsumed: number | undefined;
  readonly kieTaskId: string | undefined;
  /** From the stored `traceparent`: the id to paste into Tempo. */
  readonly traceId: string | undefined;
  readonly pollAttempts: number;
  readonly failCode: string | undefined;
  readonly createdAt: Date;
  readonly nextRunAt: Date;
  readonly deadlineAt: Date;
}

/** What a user lookup shows. */
export interface UserReport {
  readonly user: User;
  readonly balance: number;
  /** Latest ledger entries, newest first. */
  readonly ledger: readonly LedgerEntry[];
  /** Latest generations, newest first. */
  readonly generations: readonly GenerationSummary[];
}

/** What KIE said when a task was re-checked. */
export type KieCheck =
  | {
      readonly kind: 'state';
      readonly state: string;
      readonly failCode?: string | undefined;
      readonly failMsg?: string | undefined;
      readonly resultCount: number;
    }
  /** KIE answered with an error (or could not be reached): its stable code. */
  | { readonly kind: 'error'; readonly code: string }
  /** The task was not created yet (pending), so there is nothing to ask KIE. */
  | { readonly kind: 'not_created' }
  /** DRY_RUN: the task never went to KIE. */
  | { readonly kind: 'dry_run' }
  /** No KIE_API_KEY: the bot has no KIE client. */
  | { readonly kind: 'unavailable' };

/** The result of a re-check. */
export interface RecheckReport {
  readonly generation: GenerationSummary;
  readonly kie: KieCheck;
  /** The generation was still active and is now due, so the worker polls it at once. */
  readonly madeDue: boolean;
}

/** The one row → summary mapping. */
export function toGenerationSummary(row: GenerationRow): GenerationSummary {
  return {
    id: row.id,
    userId: row.user_id,
    modelId: row.model_id,
    kieModel: row.kie_model,
    status: row.status,
    price: row.price,
    kieCreditsConsumed: row.kie_credits_consumed ?? undefined,
    kieTaskId: row.kie_task_id ?? undefined,
    traceId: traceIdOf(row.traceparent),
    pollAttempts: row.poll_attempts,
    failCode: row.fail_code ?? undefined,
    createdAt: row.created_at,
    nextRunAt: row.next_run_at,
    deadlineAt: row.deadline_at,
  };
}
