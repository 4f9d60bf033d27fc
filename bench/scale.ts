import { readdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import pg from 'pg';
import { type BotProcess, startBotProcess } from '../test/support/bot-process.ts';
import { freePort } from '../test/support/free-port.ts';
import type { OtlpReceiver } from '../test/support/otlp-receiver.ts';
import { isolatedSchema } from './isolated-schema.ts';
import { cpuMs, sendStarts, settledCpuMs, TOKEN } from './update-throughput.ts';

export interface ScaleResult {
  readonly instances: number;
  readonly updates: number;
  readonly seconds: number;
  readonly updatesPerSecond: number;
  /** CPU ms per update each instance spent, per update it handled (total updates / instances). */
  readonly cpuMsPerUpdate: readonly number[];
  /** All PostgreSQL server processes' CPU over the measured phase, per update. */
  readonly dbCpuMsPerUpdate: number;
  /** Committed transactions over the instances' whole life (start-up and warm-up too), per update. */
  readonly dbTransactionsPerUpdate: number;
}

/** CPU ms of every `postgres` process on the machine (the server, its backends and workers). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuMs(Number(pid));
    } catch {
      // Gone between readdir and read.
    }
  }
  return total;
}

async function committedTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select xact_commit as n from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Webhook mode as deployed behind a load balancer: the Telegram fake posts every update to one
 * URL, a round-robin proxy spreads them over `instances` bot processes that share one PostgreSQL.
 * Each process is the real `npm start` with telemetry exported to the local receiver.
 */
export async function measureScale(options: {
  instances: number;
  updates: number;
  users: number;
  databaseUrl: string;
  receiver: OtlpReceiver;
}): Promise<ScaleResult> {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TOKEN, firstUpdateId: Date.now() });
  await fake.start();
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  const balancer = createServer((req, res) => {
    const port = ports[next++ % ports.length];
    const upstream = request(
      { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}/telegram/webhook`;
  const schema = await isolatedSchema(options.databaseUrl);
  const commitsBefore = await committedTransactions(options.databaseUrl);
  const bots: BotProcess[] = [];
  try {
    for (const port of ports) {
      const bot = startBotProcess({
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: fake.apiRoot,
        BOT_MODE: 'webhook',
        WEBHOOK_URL: webhookUrl,
        WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
        DATABASE_URL: schema.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: options.receiver.endpoint,
        OTEL_METRIC_EXPORT_INTERVAL: '10000',
      });
      bots.push(bot);
      // One after another: the second finds the schema migrated and the webhook already set.
      await bot.waitFor(/Bot started/, 60_000);
    }
    const users = Array.from({ length: options.users }, (_, i) =>
      fake.user({ id: 20_000 + i, firstName: `S${i}` }),
    );
    const output = () => bots.map((b) => b.output().slice(-1000)).join('\n');
    const warmUp = Math.min(200 * options.instances, options.updates);
    await sendStarts(fake, users, warmUp, output);
    const cpuBefore = bots.map((b) => cpuMs(b.child.pid));
    const dbCpuBefore = postgresCpuMs();
    const seconds = await sendStarts(fake, users, options.updates, output);
    const perInstance = options.updates / options.instances;
    const cpuAfter = await Promise.all(bots.map((b) => settledCpuMs(b.child.pid)));
    const cpuMsPerUpdate = bots.map((_, i) => ((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / perInstance);
    const dbCpuMsPerUpdate = (postgresCpuMs() - dbCpuBefore) / options.updates;
    for (const bot of bots.splice(0)) await bot.stop('SIGTERM');
    // Backends report their counters when they exit, so this is read after the instances stopped.
    const commits = (await committedTransactions(options.databaseUrl)) - commitsBefore;
    return {
      instances: options.instances,
      updates: options.updates,
      seconds,
      updatesPerSecond: options.updates / seconds,
      cpuMsPerUpdate,
      dbCpuMsPerUpdate,
      dbTransactionsPerUpdate: commits / (options.updates + warmUp),
    };
  } finally {
    for (const bot of bots) await bot.stop('SIGTERM');
    balancer.closeAllConnections();
    await new Promise<void>((resolve) => balancer.close(() => resolve()));
    agent.destroy();
    await fake.stop();
    await schema.drop();
  }
}
