/**
 * The bot's side of bench/generations.ts, in its own process so the KIE fake and the OTLP receiver
 * (in the parent) do not weigh on what is measured here: database, billing, generation service, the
 * worker loop and the KIE client, with the same telemetry preload as `npm start`. Started by the
 * parent with `--expose-gc --import ./src/instrumentation.ts`; reads its job from BENCH_GEN_* env
 * and answers with one IPC message (a CreateRateReport or a PollingReport).
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { defaultInputs, findModel, loadCatalog } from '../src/catalog/index.ts';
import { createKieClient } from '../src/clients/kie/index.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import type { Database } from '../src/db/schema.ts';
import { createLogger } from '../src/logger.ts';
import { createBillingService } from '../src/services/billing/billing.service.ts';
import {
  createGenerationService,
  createGenerationWorker,
  type GenerationNotifier,
} from '../src/services/generations/index.ts';
import { createUserService } from '../src/services/user.service.ts';
import { createTestDatabase } from '../test/support/test-database.ts';

/** What the create-rate run saw from the bot's side; the parent reads the rest from the fake's log. */
export interface CreateRateReport {
  readonly mode: 'create-rate';
  readonly generations: number;
  /** Wall time of the concurrent start() calls (charge + pending row each). */
  readonly startMs: number;
  /** Generations whose create waited in the client's queue (got an onQueuePosition). */
  readonly queued: number;
  readonly maxQueuePosition: number;
}

/** Memory after a full GC. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
}

/** Event-loop delay in ms beyond the sampling interval. */
export interface LagSummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/** What the polling run measured; the parent counts polls in [windowStart, windowEnd) from the fake's log. */
export interface PollingReport {
  readonly mode: 'polling';
  readonly generations: number;
  readonly users: number;
  readonly startMs: number;
  /** From worker start until every generation was `running` (tasks created at KIE). */
  readonly createAllMs: number;
  /** Epoch ms: the measured window. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The same process before the worker started: the machine's own noise (others share its 2 cores). */
  readonly idleLag: LagSummary;
  readonly lag: LagSummary;
  readonly memory: {
    readonly start: MemorySample;
    readonly middle: MemorySample;
    readonly end: MemorySample;
  };
  /** Most rows leased at once (sampled every second), and the lease length. */
  readonly maxLeased: number;
  readonly leaseMs: number;
  /** New generations started during the load: ms until each reached KIE, null if not within the window. */
  readonly probes: {
    readonly count: number;
    /** When they were started, from the window's start. */
    readonly startedAfterMs: number;
    readonly createdMs: readonly (number | null)[];
    /** Their status when last looked at. */
    readonly statuses: readonly string[];
    /** Due rows ordered before the probes when they were started (the claim orders by next_run_at). */
    readonly dueAhead: number;
    readonly waitedMs: number;
  };
}

const env = process.env;
const mode = env.BENCH_GEN_MODE;
const generations = Number(env.BENCH_GEN_COUNT ?? 100);
const kieBaseUrl = env.BENCH_GEN_KIE_URL ?? '';
const createPer10s = Number(env.BENCH_GEN_CREATE_PER_10S ?? 20);
const pollsPerSecond = Number(env.BENCH_GEN_POLLS_PER_S ?? 10);
const windowSeconds = Number(env.BENCH_GEN_WINDOW_S ?? 30);
/** The service's default lease (generation.service.ts), passed explicitly so the report can name it. */
const LEASE_MS = 5 * 60_000;
/** The service's default in-flight bound per user: the polling run needs ⌈count / 3⌉ users. */
const PER_USER = 3;
const PROBES = 5;
/** monitorEventLoopDelay's timer interval; its samples include it, so it is subtracted. */
const RESOLUTION_MS = 10;
const FIRST_USER = 500_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench/generations-process.ts needs --expose-gc');

/** PGlite in memory, or a private schema on BENCH_DATABASE_URL / TEST_DATABASE_URL (passed as TEST_DATABASE_URL). */
async function openDatabase(): Promise<{ handle: DatabaseHandle; dispose: () => Promise<void> }> {
  if (env.TEST_DATABASE_URL) {
    const testDb = createTestDatabase();
    return { handle: await testDb.open(), dispose: () => testDb.dispose() };
  }
  const handle = await createDatabase({ memory: true });
  await migrateToLatest(handle.db, handle.schema);
  return { handle, dispose: () => handle.destroy() };
}

/** Runs `task(0..count-1)` with at most `concurrency` at once. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

const countStatus = async (db: Kysely<Database>, status: 'running' | 'pending'): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('generations')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('status', '=', status)
        .executeTakeFirstOrThrow()
    ).n,
  );

const memory = (): MemorySample => {
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
};

const summary = (h: ELDHistogram): LagSummary => {
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
};

/**
 * Two equal halves as one: Node cannot merge an ELD histogram into another, so each percentile is
 * the larger of the halves', an upper bound of the whole window's (they hold about as many samples).
 */
const worst = (a: LagSummary, b: LagSummary): LagSummary => ({
  p50: Math.max(a.p50, b.p50),
  p99: Math.max(a.p99, b.p99),
  max: Math.max(a.max, b.max),
  samples: a.samples + b.samples,
});

/** Event-loop delay over `ms`. */
async function lagOver(ms: number): Promise<LagSummary> {
  const monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  monitor.enable();
  await sleep(ms);
  monitor.disable();
  return summary(monitor);
}

async function main(): Promise<CreateRateReport | PollingReport> {
  const { handle, dispose } = await openDatabase();
  const { db } = handle;
  const logger = createLogger({ level: 'info', format: 'json' });
  const billing = createBillingService(db);
  const users = createUserService(db);
  const kie = createKieClient({
    baseUrl: kieBaseUrl,
    apiKey: 'kie-test-key',
    timeoutMs: 30_000,
    createPer10s,
    pollsPerSecond,
  });
  const catalogModel = findModel(loadCatalog('catalog/catalog.json'), 'nano-banana');
  if (!catalogModel) throw new Error('bench: nano-banana is not in catalog/catalog.json');
  const input = { ...defaultInputs(catalogModel), prompt: 'a lighthouse at dusk, oil painting' };
  const positions = new Map<string, number>();
  const notifier: GenerationNotifier = {
    progress: async (g, progress) => {
      if (progress.type === 'queued')
        positions.set(g.id, Math.max(positions.get(g.id) ?? 0, progress.position));
    },
  };
  const service = createGenerationService({ db, billing, kie, logger, notifier, leaseMs: LEASE_MS });
  const worker = createGenerationWorker({ service, db, workerId: 'bench-worker', logger });
  const userCount = mode === 'polling' ? Math.ceil(generations / PER_USER) : generations;
  await pool(userCount + PROBES, 20, async (i) => {
    await users.touch(FIRST_USER + i);
    await billing.topUp(FIRST_USER + i, 1000, { idempotencyKey: `bench-seed-${i}` });
  });
  const start = (i: number, n: number) =>
    service.start({
      userId: FIRST_USER + i,
      chatId: FIRST_USER + i,
      model: catalogModel,
      input,
      idempotencyKey: `bench-${i}-${n}`,
    });
  try {
    if (mode === 'create-rate') {
      // Everyone confirms at once: all start() calls in flight together, as concurrent updates would be.
      const t0 = performance.now();
      await Promise.all(Array.from({ length: generations }, (_, i) => start(i, 0)));
      const startMs = performance.now() - t0;
      await worker.start();
      // The parent times the creates from the fake's log; this only waits for the last one.
      await waitUntil(
        'every task to be created',
        async () => (await countStatus(db, 'running')) === generations,
        180_000,
      );
      return {
        mode,
        generations,
        startMs,
        queued: positions.size,
        maxQueuePosition: Math.max(0, ...positions.values()),
      };
    }

    const t0 = performance.now();
    await pool(generations, 50, async (i) => {
      await start(i % userCount, Math.floor(i / userCount));
    });
    const startMs = performance.now() - t0;
    const idleLag = await lagOver(5_000);
    const t1 = performance.now();
    await worker.start();
    await waitUntil(
      'every task to be created',
      async () => (await countStatus(db, 'running')) === generations,
      600_000,
    );
    const createAllMs = performance.now() - t1;

    let maxLeased = 0;
    let sampling = true;
    const leases = (async () => {
      while (sampling) {
        const now = new Date();
        const row = await db
          .selectFrom('generations')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('locked_until', '>', now)
          .executeTakeFirstOrThrow();
        maxLeased = Math.max(maxLeased, Number(row.n));
        await sleep(1000);
      }
    })();
    const half = (windowSeconds * 1000) / 2;
    const probeAt = Math.min(5_000, half / 2);
    const probe = (async () => {
      await sleep(probeAt);
      const probedAt = new Date();
      const dueAhead = Number(
        (
          await db
            .selectFrom('generations')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where('status', 'in', ['pending', 'creating', 'running', 'succeeded'])
            .where('next_run_at', '<', probedAt)
            .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', probedAt)]))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const began = performance.now();
      const ids = await Promise.all(
        Array.from({ length: PROBES }, async (_, k) => (await start(userCount + k, 0)).id),
      );
      const createdMs: (number | null)[] = ids.map(() => null);
      const statuses: string[] = ids.map(() => 'pending');
      while (sampling && createdMs.some((m) => m === null)) {
        const rows = await db
          .selectFrom('generations')
          .select(['id', 'status'])
          .where('id', 'in', ids)
          .execute();
        for (const row of rows) {
          const k = ids.indexOf(row.id);
          statuses[k] = row.status;
          // `creating`: the request is still on its way; the task exists once the row runs.
          const created = row.status !== 'pending' && row.status !== 'creating';
          if (created && createdMs[k] === null) createdMs[k] = performance.now() - began;
        }
        await sleep(250);
      }
      return {
        count: PROBES,
        startedAfterMs: probeAt,
        createdMs,
        statuses,
        dueAhead,
        waitedMs: performance.now() - began,
      };
    })();

    // Two halves with a full GC between them, outside the histograms: a forced GC is not the bot's lag.
    const memStart = memory();
    const windowStart = Date.now();
    const first = await lagOver(half);
    const memMiddle = memory();
    const second = await lagOver(half);
    const windowEnd = Date.now();
    const memEnd = memory();
    sampling = false;
    const [probes] = await Promise.all([probe, leases]);
    return {
      mode: 'polling',
      generations,
      users: userCount,
      startMs,
      createAllMs,
      windowStart,
      windowEnd,
      idleLag,
      lag: worst(first, second),
      memory: { start: memStart, middle: memMiddle, end: memEnd },
      maxLeased,
      leaseMs: LEASE_MS,
      probes,
    };
  } finally {
    await worker.stop(10_000);
    await kie.close();
    await dispose();
  }
}

const report = await main();
process.send?.(report, () => process.exit(0));
