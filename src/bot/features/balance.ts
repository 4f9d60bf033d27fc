import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { languageOf } from '../i18n.ts';
import { MENU } from '../keyboards/main-menu.ts';
import { topUpKeyboard } from '../keyboards/top-up.ts';
import { handledBy } from '../middlewares/handled-by.ts';

/** How many recent operations /balance lists. */
const HISTORY_SIZE = 5;

const composer = new Composer<BotContext>();

async function balanceText(ctx: BotContext): Promise<string> {
  const userId = ctx.from?.id as number;
  const [balance, entries] = await Promise.all([
    ctx.deps.billing.balance(userId),
    ctx.deps.billing.history(userId, { limit: HISTORY_SIZE }),
  ]);
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });
  const lines = entries.map((e) =>
    ctx.t('balance-history-line', {
      date: date.format(e.createdAt),
      operation: ctx.t(`ledger-operation-${e.operation}`),
      amount: e.amount > 0 ? `+${e.amount}` : String(e.amount),
    }),
  );
  const history = lines.length
    ? `${ctx.t('balance-history-title')}\n${lines.join('\n')}`
    : ctx.t('balance-history-empty');
  return `${ctx.t('balance-text', { balance })}\n\n${history}\n\n${ctx.t('balance-top-up-prompt')}`;
}

composer.command('balance', handledBy('balance'), async (ctx) => {
  if (!ctx.from) return;
  await ctx.reply(await balanceText(ctx), {
    parse_mode: 'HTML',
    reply_markup: topUpKeyboard(ctx, ctx.deps.packs),
  });
});

composer.callbackQuery(MENU.balance, handledBy('balance'), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(await balanceText(ctx), {
    parse_mode: 'HTML',
    reply_markup: topUpKeyboard(ctx, ctx.deps.packs),
  });
});

/** /balance: the balance, the last operations and the Stars packs. */
export const balanceFeature = composer;
