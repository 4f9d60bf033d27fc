import { findModel, priceOf } from '../../../catalog/index.ts';
import { ValidationError } from '../../../errors/app-error.ts';
import { continuesPaste, FULL_PART_MIN_UNITS, joinPasteParts } from '../../../text/paste-merge.ts';
import type { BotContext } from '../../context.ts';
import { draftKeyboard } from './generate-keyboard.ts';
import { renderDraft } from './render-draft.ts';

/** When a text message was sent, and whether it is as long as a part a client cut off a paste. */
export function sentPart(ctx: BotContext & { message: { text: string; date: number } }): Date | undefined {
  return ctx.message.text.length >= FULL_PART_MIN_UNITS ? new Date(ctx.message.date * 1000) : undefined;
}

/**
 * The next part of a prompt pasted in several messages (Telegram clients cut a text over 4096):
 * joined to the draft's prompt and the confirmation shown again, or, when the whole is longer than
 * the model takes, the draft waits for a shorter prompt. Undefined when the text is not such a part.
 */
export async function promptContinued(ctx: BotContext, text: string, sentAt: Date): Promise<boolean> {
  const userId = ctx.from?.id;
  if (userId === undefined) return false;
  const draft = await ctx.deps.drafts.current(userId, 'options');
  const model = draft && findModel(ctx.deps.catalog, draft.modelId);
  if (!draft?.promptPartAt || !model || draft.messageId === undefined) return false;
  const previous = { chars: FULL_PART_MIN_UNITS, sentAt: draft.promptPartAt };
  if (!continuesPaste(previous, sentAt, ctx.deps.config.protocol.pasteMergeMs)) return false;
  ctx.state.feature = 'generate';
  const prompt = joinPasteParts([draft.prompt ?? '', text]).trim();
  const chatId = draft.chatId;
  if (prompt.length > model.promptMaxLength) {
    // Back to waiting for the prompt; the shown confirmation loses its buttons (its prompt is not it).
    const back = await ctx.deps.drafts.update(draft.id, 'options', 'prompt', { promptPartAt: null });
    if (!back) return true;
    await ctx.api.editMessageReplyMarkup(chatId, draft.messageId).catch(() => undefined);
    throw new ValidationError('gen-prompt-too-long', { max: model.promptMaxLength, length: prompt.length });
  }
  const longer = await ctx.deps.drafts.update(draft.id, 'options', 'options', {
    prompt,
    promptPartAt: text.length >= FULL_PART_MIN_UNITS ? sentAt : null,
  });
  if (!longer) return true;
  const balance = await ctx.deps.billing.balance(userId);
  const short = !ctx.deps.config.generations.dryRun && balance < priceOf(model, longer.inputs).credits;
  await ctx.api.editMessageText(chatId, draft.messageId, renderDraft(ctx, longer, model, balance), {
    parse_mode: 'HTML',
    reply_markup: draftKeyboard(ctx, longer, model, short),
  });
  return true;
}
