import { Composer, InlineKeyboard } from 'grammy';
import { findModel } from '../../../catalog/index.ts';
import type { Generation } from '../../../services/generations/index.ts';
import { cutText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { languageOf } from '../../i18n.ts';
import { HISTORY_STATUS_KEY } from '../../message-keys.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { GEN } from '../generate/generate-keyboard.ts';

/** Generations per /history page. */
export const HISTORY_PAGE_SIZE = 5;
/** UTF-16 units of each generation's description shown, ellipsis included. */
const PROMPT_SHOWN = 60;

const composer = new Composer<BotContext>();
const feature = composer.chatType('private');

async function historyPage(
  ctx: BotContext,
  offset: number,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const userId = ctx.from?.id as number;
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const { items, total } = (await ctx.deps.generations?.history(userId, {
    limit: HISTORY_PAGE_SIZE,
    offset,
  })) ?? {
    items: [],
    total: 0,
  };
  const keyboard = new InlineKeyboard();
  if (items.length === 0) return { text: ctx.t('history-empty'), keyboard };
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });
  const lines = items.map((g: Generation, i) => {
    const n = offset + i + 1;
    const model = escapeHtml(findModel(ctx.deps.catalog, g.modelId)?.title[lang] ?? g.modelId);
    const line = ctx.t('history-line', {
      n,
      date: date.format(g.createdAt),
      model,
      status: ctx.t(HISTORY_STATUS_KEY[g.status]),
      price: g.dryRun ? 0 : g.price,
    });
    // The description tells the entries apart; cut at whole graphemes, before escaping.
    const prompt = typeof g.input.prompt === 'string' ? g.input.prompt.replace(/\s+/g, ' ').trim() : '';
    return prompt ? `${line}\n    📝 <i>${escapeHtml(cutText(prompt, PROMPT_SHOWN))}</i>` : line;
  });
  // "🔁 Resend #3", two to a row: the number matches the line above.
  let inRow = 0;
  items.forEach((g, i) => {
    if (!g.resultFileId) return;
    keyboard.text(ctx.t('history-resend', { n: offset + i + 1 }), `${GEN.resend}:${g.id}`);
    if (++inRow % 2 === 0) keyboard.row();
  });
  keyboard.row();
  if (offset > 0) keyboard.text('◀️', `${GEN.history}:${Math.max(0, offset - HISTORY_PAGE_SIZE)}`);
  if (offset + items.length < total) keyboard.text('▶️', `${GEN.history}:${offset + HISTORY_PAGE_SIZE}`);
  const header = ctx.t('history-title', { from: offset + 1, to: offset + items.length, total });
  return { text: `${header}\n\n${lines.join('\n')}`, keyboard };
}

feature.command('history', handledBy('history'), async (ctx) => {
  const { text, keyboard } = await historyPage(ctx, 0);
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
});

composer.callbackQuery(new RegExp(`^${GEN.history}:(\\d+)$`), handledBy('history'), async (ctx) => {
  const { text, keyboard } = await historyPage(ctx, Number(ctx.match[1]));
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
});

// Re-send a delivered result by its Telegram file id (KIE's own URLs expire within days).
composer.callbackQuery(new RegExp(`^${GEN.resend}:([\\w-]+)$`), handledBy('history'), async (ctx) => {
  const g = await ctx.deps.generations?.get(ctx.match[1] ?? '');
  if (g && g.userId !== ctx.from.id) {
    await ctx.answerCallbackQuery({ text: ctx.t('gen-not-yours'), show_alert: true });
    return;
  }
  if (!g?.resultFileId || !ctx.chat) {
    await ctx.answerCallbackQuery({ text: ctx.t('history-resend-unavailable'), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const chatId = ctx.chat.id;
  switch (g.resultKind) {
    case 'video':
      await ctx.api.sendVideo(chatId, g.resultFileId);
      break;
    case 'audio':
      await ctx.api.sendAudio(chatId, g.resultFileId);
      break;
    case 'document':
      await ctx.api.sendDocument(chatId, g.resultFileId);
      break;
    default:
      await ctx.api.sendPhoto(chatId, g.resultFileId);
  }
});

/** /history: the user's generations, newest first, paginated, delivered ones re-sendable. */
export const historyFeature = composer;
