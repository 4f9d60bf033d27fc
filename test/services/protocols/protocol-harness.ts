import type { Counter } from '@opentelemetry/api';
import { createLlmFake, type LlmFake, type LlmFakeOptions } from '@tg-genbot/fakes/llm';
import { HttpError } from 'grammy';
import { createLlmClient, type LlmClient, type LlmClientOptions } from '../../../src/clients/llm/index.ts';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { type AdminAlert, createAdminAlerts } from '../../../src/services/admin/admin-alerts.ts';
import { type BillingService, createBillingService } from '../../../src/services/billing/billing.service.ts';
import {
  createProtocolService,
  type Protocol,
  type ProtocolFailureNotice,
  type ProtocolJob,
  type ProtocolNotifier,
  type ProtocolService,
  type ProtocolServiceDeps,
  type ProtocolSettings,
} from '../../../src/services/protocols/index.ts';
import { createUserService } from '../../../src/services/user.service.ts';
import { type CapturedLogger, createCaptureLogger } from '../../support/capture-logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

export const LLM_KEY = 'sk-or-v1-protocol-secret-0a9b8c7d';
export const ADMIN_ID = 990_001;

/** Segments of at most 300 characters; with `meetingText(12)` that is exactly 12 segments. */
export const SETTINGS: ProtocolSettings = {
  segmentChars: 300,
  concurrency: 4,
  minChars: 200,
  maxChars: 100_000,
  priceBase: 2,
  pricePerSegment: 1,
  progressIntervalMs: 100,
  jobTimeoutMs: 60_000,
  pasteMergeMs: 3000,
};

/**
 * `parts` paragraphs of 200–300 characters (so each is one segment at 300), each with a decision,
 * an action item with a named owner and a question, numbered so order can be checked.
 */
export function meetingText(parts: number): string {
  const owners = ['Ann', 'Boris', 'Chen', 'Dana'];
  return Array.from({ length: parts }, (_, i) => {
    const n = i + 1;
    return [
      `Topic ${n} opened the discussion about the quarterly plan.`,
      `The team decided to adopt option ${n} for the rollout.`,
      `${owners[i % owners.length]} will prepare the budget for topic ${n} by Friday.`,
      `Who signs off on topic ${n}?`,
    ].join(' ');
  }).join('\n\n');
}

/** Every call the service made to its notifier, in order. */
export interface NotifierLog {
  readonly progress: Array<{ done: number; total: number; at: number }>;
  synthesizing: number;
  readonly delivered: Array<{ job: ProtocolJob; protocol: Protocol }>;
  readonly failed: Array<{ job: ProtocolJob; notice: ProtocolFailureNotice }>;
}

/**
 * A recording notifier; `deliverFails` makes delivery throw like a Telegram error would, and the
 * first `failedFails` failure messages fail like Telegram being away (only those told are logged).
 */
export function recordingNotifier(
  options: { deliverFails?: boolean; failedFails?: number } = {},
): ProtocolNotifier & { log: NotifierLog } {
  const log: NotifierLog = { progress: [], synthesizing: 0, delivered: [], failed: [] };
  let failedFails = options.failedFails ?? 0;
  return {
    log,
    async progress(_job, { done, total }) {
      log.progress.push({ done, total, at: Date.now() });
    },
    async synthesizing() {
      log.synthesizing += 1;
    },
    async deliver(job, protocol) {
      if (options.deliverFails) throw new Error('Telegram said no');
      log.delivered.push({ job, protocol });
    },
    async refunded(job, notice) {
      if (failedFails-- > 0)
        throw new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET'));
      log.failed.push({ job, notice });
    },
  };
}

/** A counter that remembers its adds (stands in for `bot.errors`). */
export function recordingCounter(): Counter & { adds: Array<Record<string, unknown>> } {
  const adds: Array<Record<string, unknown>> = [];
  return {
    adds,
    add: (_v: number, attributes?: Record<string, unknown>) => void adds.push({ ...attributes }),
  };
}

export interface ProtocolHarness {
  readonly testDb: TestDatabase;
  readonly handle: DatabaseHandle;
  readonly fake: LlmFake;
  readonly llm: LlmClient;
  readonly billing: BillingService;
  readonly log: CapturedLogger;
  readonly notifier: ProtocolNotifier & { log: NotifierLog };
  readonly errors: ReturnType<typeof recordingCounter>;
  /** Alerts actually sent to the admin. */
  readonly alertsSent: AdminAlert[];
  /** A service on the harness database (a second one plays another instance, or the restarted bot). */
  service(overrides?: Partial<ProtocolServiceDeps>): ProtocolService;
  /** A fresh user with `credits` on the balance. */
  user(credits: number): Promise<number>;
  /** Quote, confirm and run a job; resolves with the job once confirmed (not finished). */
  startJob(service: ProtocolService, userId: number, text: string): Promise<ProtocolJob>;
  close(): Promise<void>;
}

let nextUser = 8100;

export async function createProtocolHarness(
  fakeOptions: LlmFakeOptions = {},
  clientOptions: Partial<LlmClientOptions> = {},
): Promise<ProtocolHarness> {
  const testDb = createTestDatabase();
  const handle = await testDb.open();
  const fake = createLlmFake({ apiKey: LLM_KEY, ...fakeOptions });
  await fake.start();
  const llm = createLlmClient({
    baseUrl: fake.baseUrl,
    apiKey: LLM_KEY,
    model: 'openai/gpt-4o-mini',
    timeoutMs: 5000,
    ...clientOptions,
    retry: { baseDelayMs: 10, maxDelayMs: 50, ...clientOptions.retry },
  });
  const billing = createBillingService(handle.db);
  const log = createCaptureLogger();
  const notifier = recordingNotifier();
  const errors = recordingCounter();
  const alertsSent: AdminAlert[] = [];
  const users = createUserService(handle.db);
  await users.touch(ADMIN_ID);
  const alerts = createAdminAlerts({
    db: handle.db,
    adminIds: [ADMIN_ID],
    logger: log.logger,
    send: async (_id, alert) => void alertsSent.push(alert),
  });
  const h: ProtocolHarness = {
    testDb,
    handle,
    fake,
    llm,
    billing,
    log,
    notifier,
    errors,
    alertsSent,
    service: (overrides = {}) =>
      createProtocolService({
        db: handle.db,
        billing,
        llm,
        notifier,
        alerts,
        logger: log.logger,
        settings: SETTINGS,
        errors,
        ...overrides,
      }),
    async user(credits) {
      const id = (await users.touch(nextUser++)).id;
      if (credits > 0) await billing.topUp(id, credits, { idempotencyKey: `seed-${id}` });
      return id;
    },
    async startJob(service, userId, text) {
      const quoted = await service.quote({ userId, chatId: userId, text, source: 'text', language: 'en' });
      const confirmed = await service.confirm({ jobId: quoted.id, userId, statusMessageId: 1 });
      if (confirmed.kind !== 'started') throw new Error(`confirm: ${confirmed.kind}`);
      await service.run(quoted.id);
      return confirmed.job;
    },
    async close() {
      await llm.close();
      await fake.stop();
      await testDb.dispose();
    },
  };
  return h;
}

/** Resolves once the fake has seen every connection close (aborts are noticed a moment after the client). */
export async function idle(fake: LlmFake, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fake.inFlight() > 0) {
    if (Date.now() > deadline) throw new Error(`the fake still has ${fake.inFlight()} requests in flight`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Error-level log lines. */
export function errorLines(log: CapturedLogger) {
  return log.lines().filter((l) => l.level === 'error');
}
