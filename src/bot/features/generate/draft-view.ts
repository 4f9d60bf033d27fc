import { findModel, priceOf } from '../../../catalog/index.ts';
import type { DraftStage } from '../../../db/tables/generation-drafts.table.ts';
import type { Draft } from '../../../services/drafts/draft.service.ts';
import type { BotContext } from '../../context.ts';
import { draftKeyboard } from './generate-keyboard.ts';
import { renderDraft } from './render-draft.ts';

/** False (and the user told) when this bot has no KIE key and is not in DRY_RUN mode. */
export async function available(ctx: BotContext): Promise<boolean> {
  if (ctx.deps.generations) return true;
  const text = ctx.t('gen-unavailable');
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
  else await ctx.reply(text);
  return false;
}

/**
 * The draft a button names, if the presser owns it and it is still in one of `stages`; otherwise
 * the press is refused politely (another user's button, an old confirmation) and undefined returned.
 */
export async function draftOf(
  ctx: BotContext,
  id: string,
  stages: readonly DraftStage[],
): Promise<Draft | undefined> {
  const draft = await ctx.deps.drafts.get(id);
  if (draft && draft.userId !== ctx.from?.id) {
    ctx.deps.logger.warn("Refused a press on another user's draft", { draft_id: id, owner_id: draft.userId });
    await ctx.answerCallbackQuery({ text: ctx.t('gen-not-yours'), show_alert: true });
    return undefined;
  }
  if (!draft || draft.expired || !stages.includes(draft.stage)) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
    return undefined;
  }
  return draft;
}

/** Shows the confirmation for a draft whose prompt (and photo) is in: a new message, or an edit. */
export async function showDraft(ctx: BotContext, draft: Draft, edit: boolean): Promise<void> {
  const model = findModel(ctx.deps.catalog, draft.modelId);
  if (!model) return;
  const balance = await ctx.deps.billing.balance(draft.userId);
  const short = !ctx.deps.config.generations.dryRun && balance < priceOf(model, draft.inputs).credits;
  const text = renderDraft(ctx, draft, model, balance);
  const reply_markup = draftKeyboard(ctx, draft, model, short);
  if (edit) {
    await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup });
    return;
  }
  const message = await ctx.reply(text, { parse_mode: 'HTML', reply_markup });
  await ctx.deps.drafts.update(draft.id, 'options', 'options', { messageId: message.message_id });
}
