import { readFileSync } from 'node:fs';
import { createTelegramFake, type FakeUser, type TelegramFake } from '@tg-genbot/fakes/telegram';
import { startBotProcess } from '../test/support/bot-process.ts';
import { freePort } from '../test/support/free-port.ts';
import type { OtlpReceiver } from '../test/support/otlp-receiver.ts';
import { isolatedSchema } from './isolated-schema.ts';

export const TOKEN = '7012345678:AAE-bench_Token-abcdefghijklmnopqrstuvw';

export interface ThroughputResult {
  /** Our bot with or without telemetry, or the minimal grammY bot of bench/baseline-bot.ts. */
  readonly mode: 'telemetry-on' | 'telemetry-off' | 'baseline';
  readonly updates: number;
  readonly seconds: number;
  readonly updatesPerSecond: number;
  /** CPU time the bot process spent per update (user + system), from /proc. */
  readonly cpuMsPerUpdate: number;
  /** The measured phase on the monotonic clock in µs (the clock of a .cpuprofile's timestamps). */
  readonly windowUs: readonly [number, number];
  /** The bot's pid (names its .cpuprofile when profiling). */
  readonly pid: number | undefined;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** User + system CPU time of a process in ms (Linux /proc; 0 elsewhere). */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * The process's CPU time once it has gone idle: work still queued when the last reply left (the
 * updates' completion writes, spans waiting for export) belongs to the measured updates too.
 * Polls until two readings 50 ms apart agree (the counters tick every 10 ms), at most 3 s.
 */
export async function settledCpuMs(pid: number | undefined): Promise<number> {
  let last = cpuMs(pid);
  for (let i = 0; i < 60; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = cpuMs(pid);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * Users send /start round-robin, one after another as fast as the fake takes them; resolves with
 * the seconds until the bot has sent as many messages (each /start has one reply).
 */
export async function sendStarts(
  fake: TelegramFake,
  users: readonly FakeUser[],
  count: number,
  output: () => string,
): Promise<number> {
  let replies = 0;
  const done = new Promise<void>((resolve) => {
    const onMessage = () => {
      replies += 1;
      if (replies === count) {
        fake.off('bot-message', onMessage);
        resolve();
      }
    };
    fake.on('bot-message', onMessage);
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) await users[i % users.length]?.sendCommand('/start');
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`only ${replies}/${count} replies after 60 s:\n${output().slice(-2000)}`)),
      60_000,
    );
  });
  await Promise.race([done, stuck]).finally(() => clearTimeout(timer));
  return (performance.now() - started) / 1000;
}

/**
 * Runs the real bot process (`npm start`'s command line) against the Telegram fake and measures
 * how fast it turns N updates (users sending /start) into N replies, after a warm-up.
 */
export async function measureThroughput(options: {
  mode: ThroughputResult['mode'];
  updates: number;
  users: number;
  receiver: OtlpReceiver;
  databaseUrl?: string;
  /** Writes a V8 CPU profile of the bot process into this directory (at exit). */
  profileDir?: string;
}): Promise<ThroughputResult> {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TOKEN, firstUpdateId: Date.now() });
  await fake.start();
  const schema = options.databaseUrl ? await isolatedSchema(options.databaseUrl) : undefined;
  const telemetry: Record<string, string> =
    options.mode === 'telemetry-on'
      ? {
          OTEL_EXPORTER_OTLP_ENDPOINT: options.receiver.endpoint,
          // A realistic export interval (Prometheus-like 10 s; the SDK default is 60 s).
          OTEL_METRIC_EXPORT_INTERVAL: '10000',
          // Experiments: BENCH_EXTRA_ENV='KEY=value,KEY2=value2' is added to the telemetry-on process.
          ...Object.fromEntries(
            (process.env.BENCH_EXTRA_ENV ?? '')
              .split(',')
              .filter(Boolean)
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          ),
        }
      : { OTEL_SDK_DISABLED: 'true' };
  const env: Record<string, string> = {
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    // In memory: disk flushes would add noise that has nothing to do with telemetry.
    DATA_DIR: process.env.BENCH_DATA_DIR ?? ':memory:',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    // The happy path logs nothing per update at info; start-up is logged there.
    LOG_LEVEL: 'info',
    ...(schema ? { DATABASE_URL: schema.url } : {}),
    ...(options.profileDir
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.profileDir} --cpu-prof-interval=250` }
      : {}),
    ...telemetry,
  };
  const bot =
    options.mode === 'baseline' ? startBotProcess(env, 'bench/baseline-bot.ts', []) : startBotProcess(env);
  try {
    await bot.waitFor(/Bot started/, 30_000);
    const users = Array.from({ length: options.users }, (_, i) =>
      fake.user({ id: 10_000 + i, firstName: `B${i}` }),
    );
    const run = (count: number) => sendStarts(fake, users, count, bot.output);
    await run(Math.min(200, options.updates)); // warm-up: JIT, connection pools, first inserts
    const cpuBefore = cpuMs(bot.child.pid);
    const from = nowUs();
    const seconds = await run(options.updates);
    const cpuMsPerUpdate = ((await settledCpuMs(bot.child.pid)) - cpuBefore) / options.updates;
    const to = nowUs();
    return {
      windowUs: [from, to],
      pid: bot.child.pid,
      mode: options.mode,
      updates: options.updates,
      seconds,
      cpuMsPerUpdate,
      updatesPerSecond: options.updates / seconds,
    };
  } finally {
    await bot.stop('SIGTERM');
    await fake.stop();
    await schema?.drop();
  }
}
