import { Composer } from 'grammy';
import { ledgerLabel } from '../../../services/billing/ledger-entry.ts';
import { decodeTarget, TARGET_PATTERN } from '../../../services/payments/top-up-target.ts';
import type { BotContext } from '../../context.ts';
import { languageOf } from '../../i18n.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { LEDGER_OPERATION_KEY } from '../../message-keys.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { TOP_UP_FOR, topUpKeyboard } from '../payments/top-up-keyboard.ts';

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
      operation: ctx.t(LEDGER_OPERATION_KEY[ledgerLabel(e)]),
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

// Top up under a confirmation or quote the balance does not cover: the packs in a new message, so the
// confirmation stays; paying leads back to it (the receipt's Continue).
composer.callbackQuery(new RegExp(`^${TOP_UP_FOR}:${TARGET_PATTERN}$`), handledBy('balance'), async (ctx) => {
  const target = decodeTarget(ctx.match[1], ctx.match[2]);
  await ctx.answerCallbackQuery();
  await ctx.reply(await balanceText(ctx), {
    parse_mode: 'HTML',
    reply_markup: topUpKeyboard(ctx, ctx.deps.packs, target),
  });
});

/** /balance: the balance, the last operations and the Stars packs. */
export const balanceFeature = composer;
