import { PGlite } from '@electric-sql/pglite';
import { run } from '@grammyjs/runner';
import { Bot, InlineKeyboard } from 'grammy';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrator.ts';

/**
 * The baseline `npm run bench` measures the bot's update path against: a minimal grammY bot doing
 * the same work per /start with none of our layers (no config schema, logger, tracing middleware,
 * sequentialize, i18n, auto-retry, Kysely query building, services or repositories). It runs the
 * bot's own SQL statements as raw driver calls on the same schema (our migrations), so both do the
 * same database work: claim the update id, upsert the user, reply with the main menu, mark the
 * update done. Started like the bot (a child process of the bench), with the same env names.
 */
const token = process.env.BOT_TOKEN ?? '';
const apiRoot = process.env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org';
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 6;

// The statements Kysely compiles for claimUpdate, upsertSeenUser and completeUpdate, written out.
const CLAIM = `insert into "processed_updates" ("bot_id", "update_id", "processed_at", "state", "attempts", "claimed_by", "lease_until", "payload")
  values ($1, $2, $3, 'claimed', 1, $4, $5, $6)
  on conflict ("bot_id", "update_id") do update set "state" = 'claimed', "attempts" = processed_updates.attempts + 1,
    "claimed_by" = $4, "lease_until" = $5, "next_attempt_at" = null, "payload" = coalesce(processed_updates.payload, excluded.payload)
  where ("processed_updates"."attempts" < $7 and ("processed_updates"."state" = 'retry' or ("processed_updates"."state" = 'claimed' and "processed_updates"."lease_until" < $3)))
  returning "attempts"`;
const UPSERT_USER = `insert into "users" ("id", "first_seen_at", "last_seen_at", "telegram_language") values ($1, $2, $2, $3)
  on conflict ("id") do update set "last_seen_at" = $2, "blocked_at" = null, "telegram_language" = coalesce($3, "users"."telegram_language")
  returning *`;
const COMPLETE = `update "processed_updates" set "state" = 'done', "payload" = null, "lease_until" = null, "next_attempt_at" = null, "last_error" = null
  where "bot_id" = $1 and "update_id" = $2 and "state" = 'claimed' and "attempts" = $3`;

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function openDatabase(): Promise<{ query: Query; close(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const setup = new Kysely({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(setup as never);
    return { query: (sql, params) => pool.query(sql, params), close: () => setup.destroy() };
  }
  const pglite = await PGlite.create();
  await migrateToLatest(new Kysely({ dialect: new PGliteDialect(pglite) }) as never);
  return {
    query: (sql, params) => pglite.query(sql, params) as ReturnType<Query>,
    close: () => pglite.close(),
  };
}

const db = await openDatabase();
const bot = new Bot(token, { client: { apiRoot } });
const instanceId = `baseline-${process.pid}`;

const menu = new InlineKeyboard()
  .text('🎨 Generate', 'menu:generate')
  .row()
  .text('📝 Protocol from a text', 'menu:protocol')
  .row()
  .text('💰 Balance and top-up', 'menu:balance')
  .row()
  .text('❓ Help', 'menu:help')
  .text('🌐 Language', 'menu:language');

bot.command('start', async (ctx) => {
  const now = new Date();
  const claimed = await db.query(CLAIM, [
    ctx.me.id,
    ctx.update.update_id,
    now,
    instanceId,
    new Date(now.getTime() + LEASE_MS),
    JSON.stringify(ctx.update),
    MAX_ATTEMPTS,
  ]);
  const attempt = claimed.rows[0]?.attempts;
  if (attempt === undefined) return;
  if (ctx.from) await db.query(UPSERT_USER, [ctx.from.id, now, ctx.from.language_code ?? null]);
  await ctx.reply(
    `Hi, ${ctx.from?.first_name ?? ''}! 👋\nI turn your ideas into images, video and music, and long texts into structured protocols.\nPick what you want to do:`,
    { reply_markup: menu },
  );
  await db.query(COMPLETE, [ctx.me.id, ctx.update.update_id, attempt]);
});
bot.catch((error) => console.error('update failed', error.error));

await bot.init();
await bot.api.deleteWebhook();
const runner = run(bot, { runner: { silent: true } });
console.log('Bot started (baseline)');

process.once('SIGTERM', async () => {
  await runner.stop();
  await db.close();
  process.exit(0);
});
