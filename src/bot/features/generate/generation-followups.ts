import { trace } from '@opentelemetry/api';
import { Composer } from 'grammy';
import { type CatalogModel, defaultInputs, findModel, optionValues } from '../../../catalog/index.ts';
import type { Draft } from '../../../services/drafts/draft.service.ts';
import { ATTR_BOT_MODEL_ID } from '../../../telemetry/attributes.ts';
import type { BotContext } from '../../context.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { TOP_UP_CONTINUE } from '../payments/top-up-keyboard.ts';
import { AFTER } from './after-generation-keyboard.ts';
import { available, showDraft } from './draft-view.ts';

const composer = new Composer<BotContext>();

// Continue after a top-up made from this draft's confirmation: the receipt becomes the confirmation,
// with the new balance, and the old confirmation loses its buttons (one live confirmation per draft).
composer.callbackQuery(
  new RegExp(`^${TOP_UP_CONTINUE}:d:([\\w-]{1,36})$`),
  handledBy('generate'),
  async (ctx) => {
    const draft = await ctx.deps.drafts.get(ctx.match[1] ?? '');
    if (draft && draft.userId !== ctx.from.id) {
      ctx.deps.logger.warn("Refused a Continue on another user's draft", { draft_id: draft.id });
      await ctx.answerCallbackQuery({ text: ctx.t('gen-not-yours'), show_alert: true });
      return;
    }
    const model = draft && findModel(ctx.deps.catalog, draft.modelId);
    const messageId = ctx.callbackQuery.message?.message_id;
    if (!draft || draft.expired || draft.stage !== 'options' || !model?.enabled || messageId === undefined) {
      // Confirmed, cancelled or expired meanwhile: say so, and take the dead button away.
      await ctx.answerCallbackQuery({ text: ctx.t('topup-continue-draft-gone'), show_alert: true });
      await ctx.editMessageReplyMarkup().catch(() => {});
      return;
    }
    // A second press (a double tap, a redelivery): the confirmation is this message already.
    if (draft.messageId === messageId) {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-continue-shown') });
      return;
    }
    await ctx.answerCallbackQuery();
    await showDraft(ctx, draft, true);
    await ctx.deps.drafts.update(draft.id, 'options', 'options', { messageId });
    if (draft.messageId !== undefined && ctx.chat) {
      await ctx.api.editMessageReplyMarkup(ctx.chat.id, draft.messageId).catch((error: unknown) => {
        ctx.deps.logger.debug('Could not clear the old confirmation', { draft_id: draft.id, err: error });
      });
    }
  },
);

/** The catalog options of a past generation that are still valid; the model's defaults for the rest. */
function sameOptions(model: CatalogModel, input: Readonly<Record<string, unknown>>): Draft['inputs'] {
  const inputs: Record<string, string | boolean> = { ...defaultInputs(model) };
  for (const option of model.inputs) {
    const value = input[option.name];
    if ((typeof value === 'string' || typeof value === 'boolean') && optionValues(option).includes(value)) {
      inputs[option.name] = value;
    }
  }
  return inputs;
}

// Again, under a finished generation: a new draft with the same model, options, prompt (and photo),
// shown as a new confirmation; nothing is charged before Confirm.
composer.callbackQuery(new RegExp(`^${AFTER.again}:([\\w-]{1,40})$`), handledBy('generate'), async (ctx) => {
  if (!(await available(ctx))) return;
  const g = await ctx.deps.generations?.get(ctx.match[1] ?? '');
  if (g && g.userId !== ctx.from.id) {
    ctx.deps.logger.warn("Refused Again on another user's generation", { generation_id: g.id });
    await ctx.answerCallbackQuery({ text: ctx.t('gen-not-yours'), show_alert: true });
    return;
  }
  const model = g && findModel(ctx.deps.catalog, g.modelId);
  const prompt = typeof g?.input.prompt === 'string' ? g.input.prompt : '';
  const usable = g && model?.enabled && ctx.chat && prompt !== '' && prompt.length <= model.promptMaxLength;
  if (!g || !model || !usable || (model.needsImage && !g.sourceFileId)) {
    await ctx.answerCallbackQuery({ text: ctx.t('gen-again-unavailable'), show_alert: true });
    return;
  }
  const draft = await ctx.deps.drafts.create({
    userId: g.userId,
    chatId: g.chatId,
    modelId: model.id,
    inputs: sameOptions(model, g.input),
  });
  const ready = await ctx.deps.drafts.update(draft.id, 'prompt', 'options', {
    prompt,
    ...(g.sourceFileId && { sourceFileId: g.sourceFileId }),
  });
  trace.getActiveSpan()?.setAttribute(ATTR_BOT_MODEL_ID, model.id);
  await ctx.answerCallbackQuery();
  if (ready) await showDraft(ctx, ready, false);
});

// Cancel on a queued status: refund this one generation if it has not reached KIE; its status
// message then says it was cancelled (the service tells the notifier).
composer.callbackQuery(new RegExp(`^${AFTER.cancel}:([\\w-]{1,40})$`), handledBy('generate'), async (ctx) => {
  const result = (await ctx.deps.generations?.cancelOne(ctx.from.id, ctx.match[1] ?? '')) ?? {
    kind: 'not_found',
  };
  switch (result.kind) {
    case 'cancelled': {
      const g = result.generation;
      await ctx.answerCallbackQuery({
        text: ctx.t('gen-cancelled-one', { credits: g.dryRun ? 0 : g.price }),
      });
      return;
    }
    case 'not_yours':
      ctx.deps.logger.warn("Refused Cancel on another user's generation", { generation_id: ctx.match[1] });
      await ctx.answerCallbackQuery({ text: ctx.t('gen-not-yours'), show_alert: true });
      return;
    case 'started':
      await ctx.answerCallbackQuery({ text: ctx.t('gen-cancel-too-late'), show_alert: true });
      return;
    default:
      await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
  }
});

/**
 * What follows a confirmation or a result: Continue after a top-up, Again under a result, Cancel
 * under a status still waiting to be sent to KIE.
 */
export const generationFollowupsFeature = composer;
