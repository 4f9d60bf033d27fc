import { startOtlpReceiver } from '../test/support/otlp-receiver.ts';
import { runGenerationBenchmarks } from './generations.ts';
import { runProtocolBenchmarks } from './protocol.ts';
import { measureThroughput, type ThroughputResult } from './update-throughput.ts';

/**
 * `npm run bench`: updates per second through the full pipeline (fake Telegram → bot process →
 * database → reply) with telemetry on (exporting OTLP to a local receiver) and off, measured side by
 * side in one run, alternating modes. Reported as a ratio; absolute numbers depend on the machine.
 */
const UPDATES = Number(process.env.BENCH_UPDATES ?? 6000);
const USERS = Number(process.env.BENCH_USERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_COST = 0.1;

const receiver = await startOtlpReceiver();
const results: ThroughputResult[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so drift (thermal, caches) does not favour one mode.
    const order: ThroughputResult['mode'][] =
      round % 2 ? ['telemetry-on', 'telemetry-off'] : ['telemetry-off', 'telemetry-on'];
    for (const mode of order) {
      const result = await measureThroughput({
        mode,
        updates: UPDATES,
        users: USERS,
        receiver,
        ...(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL } : {}),
      });
      results.push(result);
      console.log(
        `round ${round + 1} ${mode.padEnd(13)} ${result.updatesPerSecond.toFixed(1)} updates/s (${result.updates} in ${result.seconds.toFixed(2)} s), bot CPU ${result.cpuMsPerUpdate.toFixed(3)} ms/update`,
      );
    }
  }
} finally {
  await receiver.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const on = median(results.filter((r) => r.mode === 'telemetry-on').map((r) => r.updatesPerSecond));
const off = median(results.filter((r) => r.mode === 'telemetry-off').map((r) => r.updatesPerSecond));
const ratio = on / off;
const cpuOn = median(results.filter((r) => r.mode === 'telemetry-on').map((r) => r.cpuMsPerUpdate));
const cpuOff = median(results.filter((r) => r.mode === 'telemetry-off').map((r) => r.cpuMsPerUpdate));
const cost = 1 - ratio;
console.log('');
console.log(`throughput ratio (telemetry on / off, medians of ${ROUNDS}): ${ratio.toFixed(3)}`);
console.log(
  `telemetry cost: ${(cost * 100).toFixed(1)}% of throughput (target ≤ ${TARGET_COST * 100}%): ${cost <= TARGET_COST ? 'within target' : 'OVER TARGET'}`,
);
console.log(`bot CPU per update ratio (on / off): ${(cpuOn / cpuOff).toFixed(3)}`);
console.log(`OTLP bytes received by the local receiver: ${receiver.raw().length}`);

// Generations (issue #4): create rate under KIE's limit, then 2,000 tasks polled; see bench/generations.ts.
console.log('');
await runGenerationBenchmarks();

// Protocols (issue #5): wall time against 4 rounds + synthesis, and the first 402; see bench/protocol.ts.
console.log('');
await runProtocolBenchmarks();
