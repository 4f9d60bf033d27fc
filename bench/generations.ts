/**
 * Generation benchmarks (issue #4, "Performance"), part of `npm run bench`; alone:
 * `npx node bench/generations.ts`.
 *
 * 1. Create rate: 100 users with credits confirm at once (100 concurrent start() calls), then the
 *    real worker loop and KIE client create the tasks against the KIE fake with its own limits on
 *    (20 creates / 10 s, 10 recordInfo / s, answering 429 past them), so a client-side overshoot
 *    would show as 429s. From the fake's request log: the most creates in any 10 s window, the
 *    429s, and first → 100th accepted create against the ideal the limit allows (20 at once, then
 *    20 per 10 s: the 100th at 40 s), as a ratio. Also the queue positions users were shown.
 * 2. Polling load: 2,000 generations started (start() in parallel chunks), created at KIE by the
 *    worker (the create limit is raised for this part only, so setup takes seconds, not 1,000 s),
 *    then kept `generating` by the fake while the worker polls them under the 10 / s limit for
 *    BENCH_GEN_WINDOW_S (30) seconds: event-loop delay (monitorEventLoopDelay, p50/p99/max), heap
 *    and RSS after a full GC at the start, middle and end, polls per second KIE saw against the
 *    limit, the most rows leased at once against the lease, and how long a generation started in
 *    the middle of the load waits to reach KIE.
 *
 * The bot's side runs in a child process (bench/generations-process.ts) with `npm start`'s
 * telemetry preload, exporting OTLP to a local receiver; the fake and receiver stay in this process.
 * Database: in-memory PGlite, or a private schema on BENCH_DATABASE_URL (else TEST_DATABASE_URL).
 * Targets are printed as met or not; the command does not fail on them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createKieFake, type KieFake } from '@tg-genbot/fakes/kie';
import { type OtlpReceiver, startOtlpReceiver } from '../test/support/otlp-receiver.ts';
import type { CreateRateReport, LagSummary, MemorySample, PollingReport } from './generations-process.ts';
import { maxInWindow } from './max-in-window.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const KIE_MODEL = 'google/nano-banana';
const CREATE_PATH = '/api/v1/jobs/createTask';
const POLL_PATH = '/api/v1/jobs/recordInfo';
/** KIE's documented limits and the config defaults (KIE_CREATE_LIMIT_PER_10S, KIE_POLL_LIMIT_PER_S). */
const CREATES_PER_10S = 20;
const POLLS_PER_S = 10;
const USERS = Number(process.env.BENCH_GEN_USERS ?? 100);
const IN_FLIGHT = Number(process.env.BENCH_GEN_IN_FLIGHT ?? 2000);
const WINDOW_S = Number(process.env.BENCH_GEN_WINDOW_S ?? 30);
const TARGET_CREATE_RATIO = 1.1;
const TARGET_P99_MS = 50;
/** Heap after GC may grow this much from the middle to the end of the window and still count as flat. */
const FLAT_HEAP = 0.05;

const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean, yes = 'within target', no = 'OVER TARGET') => (ok ? yes : no);

/** Runs the bot's side with `env`, resolving with its one report message. */
function runBotSide<T>(env: Record<string, string>, receiver: OtlpReceiver): Promise<T> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', '--import', './src/instrumentation.ts', 'bench/generations-process.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        // A realistic export interval (Prometheus-like 10 s; the SDK default is 60 s).
        OTEL_METRIC_EXPORT_INTERVAL: '10000',
        ...(databaseUrl ? { TEST_DATABASE_URL: databaseUrl } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise<T>((resolve, reject) => {
    let report: T | undefined;
    child.on('message', (message) => {
      report = message as T;
    });
    child.on('exit', (code) => {
      if (report !== undefined) resolve(report);
      else reject(new Error(`bench/generations-process.ts exited with ${code} and no report:\n${tail}`));
    });
  });
}

async function withFake<T>(
  rateLimits: { createPer10s: number; recordInfoPerSecond: number },
  run: (fake: KieFake) => Promise<T>,
): Promise<T> {
  const fake = createKieFake({ rateLimits });
  await fake.start();
  // Tasks stay `generating`: only creates and polls are measured, never deliveries.
  fake.script(KIE_MODEL, { outcome: 'hang' });
  try {
    return await run(fake);
  } finally {
    await fake.stop();
  }
}

async function createRate(receiver: OtlpReceiver): Promise<void> {
  console.log(
    `generations: create rate (${USERS} users confirm at once; worker + KIE client vs the KIE fake limiting ${CREATES_PER_10S} creates / 10 s)`,
  );
  await withFake({ createPer10s: CREATES_PER_10S, recordInfoPerSecond: POLLS_PER_S }, async (fake) => {
    const report = await runBotSide<CreateRateReport>(
      {
        BENCH_GEN_MODE: 'create-rate',
        BENCH_GEN_COUNT: String(USERS),
        BENCH_GEN_KIE_URL: fake.baseUrl,
        BENCH_GEN_CREATE_PER_10S: String(CREATES_PER_10S),
        BENCH_GEN_POLLS_PER_S: String(POLLS_PER_S),
      },
      receiver,
    );
    const log = fake.requests();
    const creates = log.filter((r) => r.path === CREATE_PATH);
    const accepted = creates
      .filter((r) => r.code === 200)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const rejected = log.filter((r) => r.code === 429 || r.status === 429);
    const mostIn10s = maxInWindow(
      creates.map((r) => r.at),
      10_000,
    );
    const ideal = (Math.ceil(USERS / CREATES_PER_10S) - 1) * 10_000;
    const actual = (accepted[USERS - 1] ?? Number.NaN) - (accepted[0] ?? Number.NaN);
    // Fewer users than one window's worth have no wait to compare with: 1.0 when they all went at once.
    const ratio = ideal > 0 ? actual / ideal : 1;
    console.log(`  start(): ${USERS} charged and recorded in ${s(report.startMs)} (all at once)`);
    console.log(
      `  creates KIE saw: ${creates.length} (${accepted.length} accepted); 429 answers: ${rejected.length} (${rejected.filter((r) => r.path === CREATE_PATH).length} creates, ${rejected.filter((r) => r.path === POLL_PATH).length} polls): ${verdict(rejected.length === 0, 'none', 'CLIENT OVERSHOT')}`,
    );
    console.log(
      `  most creates in any 10 s window: ${mostIn10s} (limit ${CREATES_PER_10S}): ${verdict(mostIn10s <= CREATES_PER_10S, 'within limit', 'OVER LIMIT')}`,
    );
    console.log(
      `  first → ${USERS}th accepted create: ${s(actual)}; ideal ${s(ideal)} (${CREATES_PER_10S} at once, then ${CREATES_PER_10S} per 10 s); ratio ${ratio.toFixed(3)} (target ≤ ${TARGET_CREATE_RATIO}): ${verdict(ratio <= TARGET_CREATE_RATIO)}`,
    );
    console.log(
      `  queue shown to users: ${report.queued} of ${USERS} waited for a slot, highest position ${report.maxQueuePosition} (expected ${Math.max(0, USERS - CREATES_PER_10S)})`,
    );
  });
}

const lagLine = (l: LagSummary) =>
  `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`;
const memLine = (
  m: { start: MemorySample; middle: MemorySample; end: MemorySample },
  key: keyof MemorySample,
) => `${MB(m.start[key])} → ${MB(m.middle[key])} → ${MB(m.end[key])}`;

async function pollingLoad(receiver: OtlpReceiver): Promise<void> {
  console.log(
    `generations: polling load (${IN_FLIGHT} tasks in flight, all 'generating'; worker + KIE client vs the fake limiting ${POLLS_PER_S} recordInfo / s)`,
  );
  // Creates are not what this part measures: a raised limit gets 2,000 tasks to KIE in seconds.
  const setupCreates = 100_000;
  await withFake({ createPer10s: setupCreates, recordInfoPerSecond: POLLS_PER_S }, async (fake) => {
    const r = await runBotSide<PollingReport>(
      {
        BENCH_GEN_MODE: 'polling',
        BENCH_GEN_COUNT: String(IN_FLIGHT),
        BENCH_GEN_KIE_URL: fake.baseUrl,
        BENCH_GEN_CREATE_PER_10S: String(setupCreates),
        BENCH_GEN_POLLS_PER_S: String(POLLS_PER_S),
        BENCH_GEN_WINDOW_S: String(WINDOW_S),
      },
      receiver,
    );
    const seconds = (r.windowEnd - r.windowStart) / 1000;
    const inWindow = fake.requests().filter((q) => q.at >= r.windowStart && q.at < r.windowEnd);
    const polls = inWindow.filter((q) => q.path === POLL_PATH);
    const rejected = inWindow.filter((q) => q.code === 429 || q.status === 429);
    const rate = polls.length / seconds;
    const heapGrowth = r.memory.end.heapUsed / r.memory.middle.heapUsed - 1;
    const leaseDrainMs = (r.maxLeased / POLLS_PER_S) * 1000;
    console.log(
      `  setup: ${r.users} users; ${IN_FLIGHT} start() in ${s(r.startMs)}; all created at KIE ${s(r.createAllMs)} after the worker started`,
    );
    console.log(
      `  polls KIE saw: ${polls.length} in ${seconds.toFixed(1)} s = ${rate.toFixed(2)}/s, ratio to the limit ${(rate / POLLS_PER_S).toFixed(3)}; 429 answers: ${rejected.length}; at this rate each task is polled every ~${(IN_FLIGHT / rate).toFixed(0)} s`,
    );
    console.log(
      `  event-loop delay: ${lagLine(r.lag)} (idle baseline, same process: p99 ${r.idleLag.p99.toFixed(1)} ms); target p99 < ${TARGET_P99_MS} ms: ${verdict(r.lag.p99 < TARGET_P99_MS)}`,
    );
    console.log(
      `  memory after GC (start → middle → end of the window): heapUsed ${memLine(r.memory, 'heapUsed')}, rss ${memLine(r.memory, 'rss')}; heap middle → end ${(heapGrowth * 100).toFixed(1)}%: ${verdict(heapGrowth <= FLAT_HEAP, 'bounded', 'STILL GROWING')}`,
    );
    console.log(
      `  leases: at most ${r.maxLeased} rows leased at once = ${s(leaseDrainMs)} of polls at ${POLLS_PER_S}/s, lease ${s(r.leaseMs)}: ${verdict(leaseDrainMs < r.leaseMs, 'within the lease', 'LEASES EXPIRE BEFORE THEIR POLL')}`,
    );
    const created = r.probes.createdMs.filter((m): m is number => m !== null);
    const slowest = created.length < r.probes.count ? Number.POSITIVE_INFINITY : Math.max(...created);
    console.log(
      `  ${r.probes.count} new generations started ${s(r.probes.startedAfterMs)} into the window: ${created.length} reached KIE within ${s(r.probes.waitedMs)}${created.length ? ` (slowest ${s(Math.max(...created))})` : ''}; ${r.probes.dueAhead} overdue polls had an earlier next_run_at (≈ ${(r.probes.dueAhead / POLLS_PER_S).toFixed(0)} s of polls at ${POLLS_PER_S}/s); within one create window (10 s): ${verdict(slowest <= 10_000, 'yes', 'NO, NEW WORK WAITS BEHIND THE POLL BACKLOG')}`,
    );
  });
}

/** Both generation benchmarks, one after the other, with their own OTLP receiver. */
export async function runGenerationBenchmarks(): Promise<void> {
  const receiver = await startOtlpReceiver();
  try {
    await createRate(receiver);
    console.log('');
    await pollingLoad(receiver);
  } finally {
    await receiver.close();
  }
}

if (import.meta.main) await runGenerationBenchmarks();
