import { randomUUID } from 'node:crypto';
import type { Counter } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { LlmClient } from '../../clients/llm/index.ts';
import type { ProtocolConfig } from '../../config.ts';
import {
  findProtocolJob,
  insertProtocolJob,
  updateLeasedProtocolJob,
  updateProtocolJob,
} from '../../db/repositories/protocol-job.repository.ts';
import {
  clearPastePartTexts,
  setQuoteMessageId,
} from '../../db/repositories/protocol-paste-part.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolSource } from '../../db/tables/protocol-jobs.table.ts';
import { ValidationError } from '../../errors/app-error.ts';
import type { Logger } from '../../logger.ts';
import type { AdminAlerts } from '../admin/admin-alerts.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { createJobConfirmer } from './confirm-protocol-job.ts';
import { type ProtocolJob, toProtocolJob } from './protocol-job.ts';
import { createProtocolMetrics } from './protocol-metrics.ts';
import type { ProtocolNotifier } from './protocol-notifier.ts';
import { protocolPrice } from './protocol-price.ts';
import { createProtocolRunner, findLeasedJob } from './protocol-runner.ts';
import { createTextReceiver, type TextOutcome, type TextPart } from './receive-text.ts';
import { segmentText } from './segment-text.ts';
import { createJobSweep } from './sweep-protocol-jobs.ts';

/** The protocol settings from the config (PROTOCOL_*); one definition, documented in src/config.ts. */
export type ProtocolSettings = ProtocolConfig;

/** Dependencies of `createProtocolService`. */
export interface ProtocolServiceDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly llm: LlmClient;
  readonly notifier: ProtocolNotifier;
  readonly alerts: AdminAlerts;
  readonly logger: Logger;
  readonly settings: ProtocolSettings;
  /** The bot's `bot.errors` counter (job failures count like update failures). */
  readonly errors?: Counter;
  /** Names this process's leases. @default `protocols-<random>` */
  readonly workerId?: string;
  /** How long a job stays leased without a heartbeat (a crashed instance's jobs wait this long). @default 120000 */
  readonly leaseMs?: number;
  /** How often abandoned jobs are looked for after start(). @default 60000 */
  readonly sweepIntervalMs?: number;
  /** Restarts a job survives; one more and it is refunded instead. @default 3 */
  readonly maxResumes?: number;
  /** How long a quote's Confirm button stays valid. @default 3600000 */
  readonly quoteTtlMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** A quote request: the text and where it came from. */
export interface QuoteRequest {
  readonly userId: number;
  readonly chatId: number;
  readonly text: string;
  readonly source: ProtocolSource;
  /** The language of every later message about the job. */
  readonly language: string;
}

/** Outcome of pressing Confirm. */
export type ConfirmResult =
  | { readonly kind: 'started'; readonly job: ProtocolJob }
  | { readonly kind: 'already'; readonly job: ProtocolJob }
  /** The text grew (another part of a paste) since the pressed quote: nothing charged, quote it again. */
  | { readonly kind: 'changed'; readonly job: ProtocolJob }
  | { readonly kind: 'not_found' | 'not_yours' | 'expired' | 'cancelled' };

/** Outcome of pressing Cancel. */
export type CancelResult = 'cancelled' | 'not_found' | 'not_yours' | 'stale';

/** Protocols from long texts: quote, charge on confirm, run durably, deliver or refund once. */
export interface ProtocolService {
  readonly settings: ProtocolSettings;
  /** Cuts the text into segments and records a quote (nothing is charged). */
  quote(request: QuoteRequest): Promise<ProtocolJob>;
  /**
   * A text message: joined to the user's open quote when it continues a paste (sent within
   * PASTE_MERGE_MS of a part a client cut), else quoted when long enough, else `none`.
   */
  receiveText(part: TextPart): Promise<TextOutcome>;
  /** Records the message showing a text job's quote; the job as it is now (more parts may have joined). */
  setQuoteMessage(jobId: string, messageId: number): Promise<ProtocolJob | undefined>;
  /** Checks the button's owner and age, charges the price and marks the job running, in one transaction. */
  confirm(request: {
    readonly jobId: string;
    readonly userId: number;
    readonly statusMessageId: number;
    readonly traceparent?: string | undefined;
    /** The price on the pressed button; another one in the row means the text grew since. */
    readonly expectedPrice?: number | undefined;
  }): Promise<ConfirmResult>;
  cancel(request: { readonly jobId: string; readonly userId: number }): Promise<CancelResult>;
  /** Runs a job this instance just confirmed, in the background. */
  run(jobId: string): Promise<void>;
  get(jobId: string): Promise<ProtocolJob | undefined>;
  /** Resumes (or refunds) jobs nobody runs, now and every sweep interval. */
  start(): Promise<void>;
  /**
   * Stops the sweep and every run: LLM calls in flight get up to `graceMs` to finish and be kept, then
   * the rest is aborted; the jobs stay running (lease released) and resume at the next start.
   */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when this instance's run of the job has finished (for tests and the bench). */
  settled(jobId: string): Promise<void>;
}

export function createProtocolService(deps: ProtocolServiceDeps): ProtocolService {
  const { db, billing, settings, logger } = deps;
  const clock = deps.now ?? (() => new Date());
  const workerId = deps.workerId ?? `protocols-${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 120_000;
  const sweepIntervalMs = deps.sweepIntervalMs ?? 60_000;
  const quoteTtlMs = deps.quoteTtlMs ?? 3_600_000;
  const runner = createProtocolRunner({
    db,
    billing,
    llm: deps.llm,
    notifier: deps.notifier,
    alerts: deps.alerts,
    logger,
    metrics: createProtocolMetrics(),
    errors: deps.errors,
    workerId,
    concurrency: settings.concurrency,
    progressIntervalMs: settings.progressIntervalMs,
    leaseMs,
    maxResumes: deps.maxResumes ?? 3,
    now: clock,
  });
  const receiveText = createTextReceiver({ db, settings, model: deps.llm.model, clock });
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;

  const sweep = createJobSweep({
    db,
    runner,
    logger,
    clock,
    workerId,
    leaseMs,
    quoteTtlMs,
    stopped: () => stopped,
  });

  const sweepSafely = (): Promise<void> => {
    sweeping ??= sweep()
      .catch((error: unknown) => {
        logger.error('Protocol job sweep failed', { err: error });
      })
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping ?? Promise.resolve();
  };

  return {
    settings,

    async quote(request) {
      const text = request.text.replace(/^\uFEFF/, '').trim();
      if (text === '') throw new ValidationError('protocol-empty');
      if (text.length > settings.maxChars) {
        throw new ValidationError('protocol-too-long', { chars: text.length, max: settings.maxChars });
      }
      const segments = segmentText(text, settings.segmentChars).length;
      const now = clock();
      const row = await insertProtocolJob(db, {
        id: randomUUID(),
        user_id: request.userId,
        chat_id: request.chatId,
        status: 'quoted',
        source: request.source,
        language: request.language,
        input_text: text,
        input_chars: text.length,
        segment_chars: settings.segmentChars,
        segment_count: segments,
        model: deps.llm.model,
        price: protocolPrice(segments, { base: settings.priceBase, perSegment: settings.pricePerSegment }),
        created_at: now,
        updated_at: now,
      });
      return toProtocolJob(row);
    },

    receiveText,

    async setQuoteMessage(jobId, messageId) {
      const row = await setQuoteMessageId(db, jobId, messageId);
      return row && toProtocolJob(row);
    },

    confirm: createJobConfirmer({ db, billing, settings, clock, workerId, leaseMs, quoteTtlMs }),

    async cancel({ jobId, userId }) {
      const row = await findProtocolJob(db, jobId);
      if (!row) return 'not_found';
      if (row.user_id !== userId) return 'not_yours';
      const cancelled = await updateProtocolJob(db, jobId, 'quoted', {
        status: 'cancelled',
        input_text: null,
        updated_at: clock(),
      });
      if (cancelled) await clearPastePartTexts(db, jobId);
      return cancelled ? 'cancelled' : 'stale';
    },

    async run(jobId) {
      const row = await findLeasedJob(db, jobId, workerId);
      if (!row) return;
      if (stopped) {
        // Confirmed while this instance shuts down: released, so the next start takes it at once.
        await updateLeasedProtocolJob(db, row.id, workerId, {
          locked_by: null,
          locked_until: null,
          updated_at: clock(),
        });
        return;
      }
      runner.launch(row);
    },

    async get(jobId) {
      const row = await findProtocolJob(db, jobId);
      return row && toProtocolJob(row);
    },

    async start() {
      stopped = false;
      await sweepSafely();
      sweepTimer = setInterval(() => void sweepSafely(), sweepIntervalMs);
      sweepTimer.unref();
    },

    async stop(graceMs) {
      stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = undefined;
      // Waited for, so every job it claimed is launched and then paused (not left leased); its notice
      // retries stop at the next row.
      await sweeping;
      await runner.stop(graceMs);
    },

    settled: (jobId) => runner.settled(jobId),
  };
}
