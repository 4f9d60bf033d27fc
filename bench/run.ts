import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startOtlpReceiver } from '../test/support/otlp-receiver.ts';
import { formatProfileTable, mainThreadProfile, summariseProfile } from './cpu-profile.ts';
import { runGenerationBenchmarks } from './generations.ts';
import { runProtocolBenchmarks } from './protocol.ts';
import { measureScale, type ScaleResult } from './scale.ts';
import { measureThroughput, type ThroughputResult } from './update-throughput.ts';

/**
 * `npm run bench [updates] [scale] [generations] [protocol]` (all sections when none is named).
 *
 * updates: /start updates through the real bot process (fake Telegram → bot → database → reply) in
 * three modes side by side, in alternating order per round: the minimal grammY bot of
 * bench/baseline-bot.ts, ours with telemetry off, ours exporting OTLP to a local receiver. On
 * PGlite and, when a server answers, on PostgreSQL. Figures are ratios within a round, reported as
 * the median and range over rounds; then one profiled run per mode says where the CPU goes.
 * scale: webhook mode, one vs two instances on one PostgreSQL behind a round-robin balancer.
 */
const sections = process.argv.slice(2);
const wants = (section: string) => sections.length === 0 || sections.includes(section);

const UPDATES = Number(process.env.BENCH_UPDATES ?? 6000);
const USERS = Number(process.env.BENCH_USERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const PROFILE_UPDATES = Number(process.env.BENCH_PROFILE_UPDATES ?? 4000);
const SCALE_ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 2);
const GOALS = { throughput: 0.95, cpu: 1.05, baseline: 1.5 };
/** How busy one instance's core may run before another instance is due (headroom for bursts). */
const TARGET_UTILISATION = 0.7;
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

type Mode = ThroughputResult['mode'];
const MODES: readonly Mode[] = ['baseline', 'telemetry-off', 'telemetry-on'];

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const spread = (xs: readonly number[], digits: number) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_PG_URL;
const pgUp = wants('updates') || wants('scale') ? await reachable(pgUrl) : false;
if (!pgUp && (wants('updates') || wants('scale')))
  console.log(
    `PostgreSQL at ${pgUrl.replace(/\/\/[^@]*@/, '//')} does not answer: PGlite only, no scale figure.`,
  );
const databases = [
  { label: 'PGlite', url: undefined as string | undefined },
  ...(pgUp ? [{ label: 'PostgreSQL', url: pgUrl }] : []),
];

const receiver = await startOtlpReceiver();
try {
  if (wants('updates')) {
    for (const database of databases) await updatesSection(database.label, database.url);
  }
  if (wants('scale') && pgUp) await scaleSection(pgUrl);
} finally {
  await receiver.close();
}

// Generations (issue #4): create rate under KIE's limit, then 2,000 tasks polled; see bench/generations.ts.
if (wants('generations')) {
  console.log('');
  await runGenerationBenchmarks();
}

// Protocols (issue #5): wall time against 4 rounds + synthesis, and the first 402; see bench/protocol.ts.
if (wants('protocol')) {
  console.log('');
  await runProtocolBenchmarks();
}

async function updatesSection(label: string, databaseUrl: string | undefined): Promise<void> {
  console.log(`\n== updates on ${label}: ${ROUNDS} rounds of ${UPDATES} /start from ${USERS} users per mode`);
  const rounds: Array<Record<Mode, ThroughputResult>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Each mode goes first, middle and last in turn, so drift (thermal, caches) favours none.
    const rotated = MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
    const order = round % 2 ? rotated.reverse() : rotated;
    const results = {} as Record<Mode, ThroughputResult>;
    for (const mode of order) {
      const r = await measureThroughput({
        mode,
        updates: UPDATES,
        users: USERS,
        receiver,
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      results[mode] = r;
      console.log(
        `round ${round + 1} ${mode.padEnd(13)} ${r.updatesPerSecond.toFixed(1).padStart(7)} updates/s, bot CPU ${r.cpuMsPerUpdate.toFixed(3)} ms/update`,
      );
    }
    rounds.push(results);
  }
  const of = (mode: Mode, key: 'updatesPerSecond' | 'cpuMsPerUpdate') => rounds.map((r) => r[mode][key]);
  console.log(`\n${label}: median (min–max) of ${ROUNDS} rounds`);
  for (const mode of MODES) {
    console.log(
      `  ${mode.padEnd(13)} ${spread(of(mode, 'updatesPerSecond'), 0)} updates/s, ${spread(of(mode, 'cpuMsPerUpdate'), 3)} ms CPU/update`,
    );
  }
  const throughput = rounds.map(
    (r) => r['telemetry-on'].updatesPerSecond / r['telemetry-off'].updatesPerSecond,
  );
  const cpu = rounds.map((r) => r['telemetry-on'].cpuMsPerUpdate / r['telemetry-off'].cpuMsPerUpdate);
  const baseline = rounds.map((r) => r['telemetry-off'].cpuMsPerUpdate / r.baseline.cpuMsPerUpdate);
  console.log(
    `  throughput, telemetry on / off:      ${spread(throughput, 3)}  goal ≥ ${GOALS.throughput}: ${verdict(median(throughput) >= GOALS.throughput)}`,
  );
  console.log(
    `  CPU per update, telemetry on / off:  ${spread(cpu, 3)}  goal ≤ ${GOALS.cpu}: ${verdict(median(cpu) <= GOALS.cpu)}`,
  );
  console.log(
    `  CPU per update, ours (off) / minimal grammY bot: ${spread(baseline, 3)}  goal ≤ ${GOALS.baseline}: ${verdict(median(baseline) <= GOALS.baseline)}`,
  );

  // One profiled run per mode: where the CPU per update goes (the profiler itself adds a little).
  const profiles = {} as Record<Mode, { categories: Map<string, number>; updates: number }>;
  for (const mode of MODES) {
    const dir = mkdtempSync(join(tmpdir(), `tg-genbot-prof-${mode}-`));
    try {
      const r = await measureThroughput({
        mode,
        updates: PROFILE_UPDATES,
        users: USERS,
        receiver,
        profileDir: dir,
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      profiles[mode] = {
        categories: summariseProfile(mainThreadProfile(dir, r.pid), ...r.windowUs),
        updates: r.updates,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const table = (a: Mode, b: Mode, labels: readonly [string, string]) =>
    formatProfileTable(
      profiles[a].categories,
      profiles[a].updates,
      profiles[b].categories,
      profiles[b].updates,
      labels,
    );
  console.log(`\n${label}: where telemetry's CPU goes (profiled run of ${PROFILE_UPDATES} updates per mode)`);
  console.log(table('telemetry-off', 'telemetry-on', ['off', 'on']));
  console.log(`\n${label}: our bot (telemetry off) against the minimal grammY bot`);
  console.log(table('baseline', 'telemetry-off', ['grammY', 'ours']));
}

async function scaleSection(databaseUrl: string): Promise<void> {
  console.log(
    `\n== scale: webhook mode, 1 vs 2 instances on one PostgreSQL behind a round-robin balancer, telemetry on, ${UPDATES} /start per run`,
  );
  const runs: ScaleResult[] = [];
  for (let round = 0; round < SCALE_ROUNDS; round++) {
    for (const instances of round % 2 ? [2, 1] : [1, 2]) {
      const r = await measureScale({ instances, updates: UPDATES, users: USERS, databaseUrl, receiver });
      runs.push(r);
      console.log(
        `round ${round + 1} ${instances} instance${instances > 1 ? 's' : ' '} ${r.updatesPerSecond.toFixed(1).padStart(7)} updates/s, CPU per update per instance ${r.cpuMsPerUpdate.map((c) => c.toFixed(3)).join(' / ')} ms, PostgreSQL CPU ${r.dbCpuMsPerUpdate.toFixed(3)} ms/update, ${r.dbTransactionsPerUpdate.toFixed(2)} transactions/update`,
      );
    }
  }
  const one = runs.filter((r) => r.instances === 1);
  const two = runs.filter((r) => r.instances === 2);
  const speedup = one.map((r, i) => (two[i]?.updatesPerSecond ?? 0) / r.updatesPerSecond);
  const instanceCpu = runs.flatMap((r) => r.cpuMsPerUpdate);
  const dbCpu = runs.map((r) => r.dbCpuMsPerUpdate);
  const transactions = runs.map((r) => r.dbTransactionsPerUpdate);
  console.log(`\nscale: median (min–max) of ${SCALE_ROUNDS} rounds`);
  console.log(
    `  total updates/s, 2 instances / 1: ${spread(speedup, 2)} (2 cores also run the fake and PostgreSQL)`,
  );
  console.log(`  CPU per update in one instance:   ${spread(instanceCpu, 3)} ms`);
  console.log(`  PostgreSQL CPU per update:        ${spread(dbCpu, 3)} ms`);
  console.log(
    `  transactions per update:          ${spread(transactions, 2)} (claim, user, complete; start-up included)`,
  );
  const perCore = 1000 / median(instanceCpu);
  const instances = Math.ceil(1000 / (perCore * TARGET_UTILISATION));
  // ms of CPU per update × 1,000 updates/s = ms of CPU per second = cores.
  const dbCores = median(dbCpu) / TARGET_UTILISATION;
  console.log(
    `  on paper: one instance (one core) handles ~${perCore.toFixed(0)} updates/s at 100 % CPU; 1,000 updates/s need ${instances} instances at ${TARGET_UTILISATION * 100} % and ~${dbCores.toFixed(1)} PostgreSQL cores, ${(median(transactions) * 1000).toFixed(0)} transactions/s`,
  );
}
