/**
 * Protocol benchmarks (issue #5, "Performance"), part of `npm run bench`; alone: `npx node bench/protocol.ts`.
 *
 * The real protocol service, LLM client (undici) and database (in-memory PGlite) against the LLM fake,
 * in this process; Telegram is replaced by a notifier that records nothing, since only the job's
 * scheduling is measured.
 *
 * 1. Wall time: a job of 20 segments at concurrency 5, every fake call taking BENCH_PROTOCOL_LATENCY_MS
 *    (200). The ideal is 4 rounds of segments plus the synthesis, 5 × latency; reported as a ratio
 *    (median of BENCH_PROTOCOL_ROUNDS runs), target within 15 %.
 * 2. The first 402: the same job with slow calls (2 s), the 3rd call answered 402 after 100 ms (all 5
 *    are in flight by then). Measured at the fake: from the moment it finished sending the 402 to the
 *    moment it saw the last in-flight call cancelled (target < 50 ms), and calls that arrived after
 *    the 402 (target 0).
 *
 * Absolute times depend on the machine; the ratio and the counts are what to compare.
 */

import { createLlmFake, type LlmFake } from '@tg-genbot/fakes/llm';
import winston from 'winston';
import { createLlmClient, type LlmClient } from '../src/clients/llm/index.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import { createLogger } from '../src/logger.ts';
import { createAdminAlerts } from '../src/services/admin/admin-alerts.ts';
import { createBillingService } from '../src/services/billing/billing.service.ts';
import {
  createProtocolService,
  type ProtocolNotifier,
  type ProtocolService,
} from '../src/services/protocols/index.ts';
import { createUserService } from '../src/services/user.service.ts';

const SEGMENTS = 20;
const CONCURRENCY = 5;
const LATENCY_MS = Number(process.env.BENCH_PROTOCOL_LATENCY_MS ?? 200);
const ROUNDS = Number(process.env.BENCH_PROTOCOL_ROUNDS ?? 5);
const TARGET_RATIO = 1.15;
const TARGET_ABORT_MS = 50;
const KEY = 'sk-or-v1-bench-protocol-key';

const silent: ProtocolNotifier = {
  progress: async () => {},
  synthesizing: async () => {},
  deliver: async () => {},
  refunded: async () => {},
};

/** SEGMENTS paragraphs of ~250 characters: one segment each at 300. */
function text(): string {
  return Array.from({ length: SEGMENTS }, (_, i) =>
    `Part ${i + 1} of the meeting. The team decided to adopt option ${i + 1}. Ann will prepare the budget for item ${i + 1} by Friday. Who signs off on item ${i + 1}? ${'Details follow. '.repeat(6)}`.trim(),
  ).join('\n\n');
}

interface Bench {
  readonly fake: LlmFake;
  readonly llm: LlmClient;
  readonly handle: DatabaseHandle;
  readonly service: ProtocolService;
  /** Confirms a fresh job for a funded user and returns its id (not started). */
  confirmJob(): Promise<string>;
  close(): Promise<void>;
}

async function setup(latencyMs: number): Promise<Bench> {
  const fake = createLlmFake({ apiKey: KEY, latencyMs });
  await fake.start();
  const llm = createLlmClient({
    baseUrl: fake.baseUrl,
    apiKey: KEY,
    model: 'bench/model',
    timeoutMs: 30_000,
  });
  const handle = await createDatabase({ memory: true });
  await migrateToLatest(handle.db);
  // The 402 rounds fail on purpose: their one error line per job would only clutter the report.
  const logger = createLogger({
    level: 'error',
    format: 'json',
    transports: [new winston.transports.Console({ silent: true })],
  });
  const billing = createBillingService(handle.db);
  const users = createUserService(handle.db);
  const service = createProtocolService({
    db: handle.db,
    billing,
    llm,
    notifier: silent,
    alerts: createAdminAlerts({ db: handle.db, adminIds: [], logger, send: async () => {} }),
    logger,
    settings: {
      segmentChars: 300,
      concurrency: CONCURRENCY,
      minChars: 1,
      maxChars: 1_000_000,
      priceBase: 2,
      pricePerSegment: 1,
      progressIntervalMs: 3000,
      jobTimeoutMs: 600_000,
      pasteMergeMs: 3000,
    },
  });
  let nextUser = 1;
  return {
    fake,
    llm,
    handle,
    service,
    async confirmJob() {
      const userId = (await users.touch(nextUser++)).id;
      await billing.topUp(userId, 1000, { idempotencyKey: `bench-${userId}` });
      const job = await service.quote({
        userId,
        chatId: userId,
        text: text(),
        source: 'text',
        language: 'en',
      });
      if (job.segmentCount !== SEGMENTS)
        throw new Error(`expected ${SEGMENTS} segments, got ${job.segmentCount}`);
      const confirmed = await service.confirm({ jobId: job.id, userId, statusMessageId: 1 });
      if (confirmed.kind !== 'started') throw new Error(`confirm: ${confirmed.kind}`);
      return job.id;
    },
    async close() {
      await service.stop();
      await llm.close();
      await fake.stop();
      await handle.destroy();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const verdict = (ok: boolean) => (ok ? 'within target' : 'OVER TARGET');

/** Part 1: wall time of whole jobs against 4 rounds + synthesis. */
async function wallTime(): Promise<void> {
  const bench = await setup(LATENCY_MS);
  try {
    const ideal = (Math.ceil(SEGMENTS / CONCURRENCY) + 1) * LATENCY_MS;
    // One job first so connections, JIT and the database are warm.
    const warm = await bench.confirmJob();
    await bench.service.run(warm);
    await bench.service.settled(warm);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const jobId = await bench.confirmJob();
      const before = bench.fake.requests().length;
      const started = performance.now();
      await bench.service.run(jobId);
      await bench.service.settled(jobId);
      const wall = performance.now() - started;
      const job = await bench.service.get(jobId);
      if (job?.status !== 'delivered') throw new Error(`job ended ${job?.status}`);
      const calls = bench.fake.requests().length - before;
      ratios.push(wall / ideal);
      console.log(
        `round ${round}: ${wall.toFixed(0)} ms for ${SEGMENTS} segments + synthesis (${calls} calls, ${bench.fake.maxConcurrency()} at most in flight), ideal ${ideal} ms, ratio ${(wall / ideal).toFixed(3)}`,
      );
    }
    const ratio = median(ratios);
    console.log(
      `wall time / ideal (median of ${ROUNDS}): ${ratio.toFixed(3)} (target ≤ ${TARGET_RATIO}): ${verdict(ratio <= TARGET_RATIO)}`,
    );
  } finally {
    await bench.close();
  }
}

/** Part 2: from the 402 to the last in-flight call cancelled, and calls started after it. */
async function firstPaymentRequired(): Promise<void> {
  const bench = await setup(2000);
  const abortMs: number[] = [];
  const lateStarts: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      let paymentAt = 0;
      let lastAbortAt = 0;
      let aborted = 0;
      let late = 0;
      const onRequest = () => {
        if (paymentAt > 0) late += 1;
      };
      const onEnd = (r: { status?: number }) => {
        if (r.status === 402) paymentAt = performance.now();
      };
      const onAbort = () => {
        aborted += 1;
        lastAbortAt = performance.now();
      };
      bench.fake.on('request', onRequest);
      bench.fake.on('end', onEnd);
      bench.fake.on('abort', onAbort);
      bench.fake.inject({ kind: 'pass', times: 2 });
      bench.fake.inject({ kind: 'status', status: 402, delayMs: 100 });
      const jobId = await bench.confirmJob();
      await bench.service.run(jobId);
      await bench.service.settled(jobId);
      const deadline = Date.now() + 5000;
      while (bench.fake.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      bench.fake.off('request', onRequest);
      bench.fake.off('end', onEnd);
      bench.fake.off('abort', onAbort);
      const job = await bench.service.get(jobId);
      const ms = lastAbortAt - paymentAt;
      abortMs.push(ms);
      lateStarts.push(late);
      console.log(
        `round ${round}: job ${job?.status} (${job?.failCode}), ${aborted} in-flight calls cancelled ${ms.toFixed(1)} ms after the 402, ${late} calls started after it`,
      );
    }
    const worst = Math.max(...abortMs);
    console.log(
      `402 → all in-flight calls cancelled: median ${median(abortMs).toFixed(1)} ms, max ${worst.toFixed(1)} ms (target < ${TARGET_ABORT_MS} ms): ${verdict(worst < TARGET_ABORT_MS)}`,
    );
    const starts = lateStarts.reduce((a, b) => a + b, 0);
    console.log(
      `calls started after the 402: ${starts} in ${ROUNDS} rounds (target 0): ${verdict(starts === 0)}`,
    );
  } finally {
    await bench.close();
  }
}

/** Both protocol benchmarks. */
export async function runProtocolBenchmarks(): Promise<void> {
  console.log(`Protocols: ${SEGMENTS} segments at concurrency ${CONCURRENCY}, fake latency ${LATENCY_MS} ms`);
  await wallTime();
  console.log('');
  await firstPaymentRequired();
}

if (import.meta.main) await runProtocolBenchmarks();
