import { context, propagation, trace } from '@opentelemetry/api';
import { Composer } from 'grammy';
import {
  type CatalogModel,
  defaultInputs,
  findModel,
  MODEL_KINDS,
  type ModelKind,
  optionValues,
  priceOf,
  priceRange,
} from '../../catalog/index.ts';
import type { DraftStage } from '../../db/tables/generation-drafts.table.ts';
import { ValidationError } from '../../errors/app-error.ts';
import type { Draft } from '../../services/drafts/draft.service.ts';
import { ATTR_BOT_GENERATION_ID, ATTR_BOT_MODEL_ID } from '../../telemetry/attributes.ts';
import { continuesPaste, FULL_PART_MIN_UNITS, joinPasteParts } from '../../text/paste-merge.ts';
import type { BotContext } from '../context.ts';
import { escapeHtml } from '../escape-html.ts';
import { renderDraft } from '../generations/render-draft.ts';
import { languageOf } from '../i18n.ts';
import { AFTER, isAfterGeneration } from '../keyboards/after-generation.ts';
import {
  draftKeyboard,
  GEN,
  kindsKeyboard,
  modelsKeyboard,
  promptKeyboard,
  valuesKeyboard,
} from '../keyboards/generate.ts';
import { MENU } from '../keyboards/main-menu.ts';
import { TOP_UP_CONTINUE } from '../keyboards/top-up.ts';
import { handledBy } from '../middlewares/handled-by.ts';

const composer = new Composer<BotContext>();
const feature = composer.chatType('private');

/** False (and the user told) when this bot has no KIE key and is not in DRY_RUN mode. */
async function available(ctx: BotContext): Promise<boolean> {
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
async function draftOf(
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
async function showDraft(ctx: BotContext, draft: Draft, edit: boolean): Promise<void> {
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

/** The prompt is in (and the photo, if the model needs one): on to the options. */
async function promptReceived(
  ctx: BotContext,
  draft: Draft,
  prompt: string | undefined,
  photo?: string,
  partAt?: Date,
) {
  const model = findModel(ctx.deps.catalog, draft.modelId);
  if (!model?.enabled) {
    await ctx.deps.drafts.update(draft.id, 'prompt', 'cancelled');
    await ctx.reply(ctx.t('button-expired'));
    return;
  }
  const sourceFileId = photo ?? draft.sourceFileId;
  const text = prompt?.trim() ?? '';
  if (text.length > model.promptMaxLength) {
    throw new ValidationError('gen-prompt-too-long', { max: model.promptMaxLength, length: text.length });
  }
  if (model.needsImage && !sourceFileId) {
    await ctx.reply(ctx.t('gen-need-photo'), { reply_markup: promptKeyboard(ctx, draft) });
    return;
  }
  if (!text) {
    // A photo without a caption: keep it and wait for the description.
    if (photo) await ctx.deps.drafts.update(draft.id, 'prompt', 'prompt', { sourceFileId: photo });
    await ctx.reply(ctx.t('gen-need-prompt'), { reply_markup: promptKeyboard(ctx, draft) });
    return;
  }
  const moved = await ctx.deps.drafts.update(draft.id, 'prompt', 'options', {
    prompt: text,
    ...(sourceFileId && { sourceFileId }),
    ...(partAt && { promptPartAt: partAt }),
  });
  if (moved) await showDraft(ctx, moved, false);
}

/** When a text message was sent, and whether it is as long as a part a client cut off a paste. */
function sentPart(ctx: BotContext & { message: { text: string; date: number } }): Date | undefined {
  return ctx.message.text.length >= FULL_PART_MIN_UNITS ? new Date(ctx.message.date * 1000) : undefined;
}

/**
 * The next part of a prompt pasted in several messages (Telegram clients cut a text over 4096):
 * joined to the draft's prompt and the confirmation shown again, or, when the whole is longer than
 * the model takes, the draft waits for a shorter prompt. Undefined when the text is not such a part.
 */
async function promptContinued(ctx: BotContext, text: string, sentAt: Date): Promise<boolean> {
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

// Main menu → Generate, or /generate: the kinds.
composer.callbackQuery(MENU.generate, handledBy('generate'), async (ctx) => {
  if (!(await available(ctx))) return;
  await ctx.answerCallbackQuery();
  const reply_markup = kindsKeyboard(ctx);
  // New under a finished generation: the status (and its Again) stays, the menu comes below it.
  if (isAfterGeneration(ctx.callbackQuery.message)) await ctx.reply(ctx.t('gen-pick-kind'), { reply_markup });
  else await ctx.editMessageText(ctx.t('gen-pick-kind'), { reply_markup });
});
feature.command('generate', handledBy('generate'), async (ctx) => {
  if (!(await available(ctx))) return;
  await ctx.reply(ctx.t('gen-pick-kind'), { reply_markup: kindsKeyboard(ctx) });
});

// A kind: its models with prices.
composer.callbackQuery(new RegExp(`^${GEN.kind}:(\\w+)$`), handledBy('generate'), async (ctx) => {
  const kind = ctx.match[1] as ModelKind;
  if (!MODEL_KINDS.includes(kind)) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('gen-pick-model'), { reply_markup: modelsKeyboard(ctx, kind) });
});

// A model: a new draft waiting for the prompt (and photo).
composer.callbackQuery(new RegExp(`^${GEN.model}:([\\w-]+)$`), handledBy('generate'), async (ctx) => {
  if (!(await available(ctx))) return;
  const model = findModel(ctx.deps.catalog, ctx.match[1] ?? '');
  if (!model?.enabled || !ctx.chat) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
    return;
  }
  const draft = await ctx.deps.drafts.create({
    userId: ctx.from.id,
    chatId: ctx.chat.id,
    modelId: model.id,
    inputs: defaultInputs(model),
  });
  trace.getActiveSpan()?.setAttribute(ATTR_BOT_MODEL_ID, model.id);
  await ctx.answerCallbackQuery();
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const ask = ctx.t(model.needsImage ? 'gen-ask-photo' : 'gen-ask-prompt', { max: model.promptMaxLength });
  const { min, max } = priceRange(model);
  const price = ctx.t(min === max ? 'gen-price' : 'gen-price-from', { price: min });
  await ctx.editMessageText(
    `<b>${escapeHtml(model.title[lang])}</b> · ${price}\n${escapeHtml(model.description[lang])}\n\n${ask}`,
    { parse_mode: 'HTML', reply_markup: promptKeyboard(ctx, draft) },
  );
});

// The prompt: only while a draft waits for one; otherwise the text goes on (protocols, fallbacks).
feature.on('message:text', async (ctx, next) => {
  if (ctx.message.text.startsWith('/')) return next();
  const draft = await ctx.deps.drafts.current(ctx.from.id, 'prompt');
  if (!draft) {
    if (await promptContinued(ctx, ctx.message.text, new Date(ctx.message.date * 1000))) return;
    return next();
  }
  ctx.state.feature = 'generate';
  await promptReceived(ctx, draft, ctx.message.text, undefined, sentPart(ctx));
});

// The photo for edit / image-to-video models, with the prompt as its caption or in the next message.
feature.on('message:photo', async (ctx, next) => {
  const draft = await ctx.deps.drafts.current(ctx.from.id, 'prompt');
  if (!draft) return next();
  ctx.state.feature = 'generate';
  const model = findModel(ctx.deps.catalog, draft.modelId);
  if (!model?.needsImage) {
    await ctx.reply(ctx.t('gen-photo-not-needed'));
    return;
  }
  const photo = ctx.message.photo.at(-1)?.file_id;
  await promptReceived(ctx, draft, ctx.message.caption, photo);
});

// An option: its values.
composer.callbackQuery(new RegExp(`^${GEN.option}:([\\w-]+):(\\d+)$`), handledBy('generate'), async (ctx) => {
  const draft = await draftOf(ctx, ctx.match[1] ?? '', ['options']);
  const model = draft && findModel(ctx.deps.catalog, draft.modelId);
  if (!draft || !model) return;
  const inputIndex = Number(ctx.match[2]);
  if (!model.inputs[inputIndex]) {
    // Not an option of this model (a forged or outdated button): keep the keyboard as it is.
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: valuesKeyboard(ctx, draft, model, inputIndex) });
});

// A value: set it, back to the confirmation.
composer.callbackQuery(
  new RegExp(`^${GEN.value}:([\\w-]+):(\\d+):(\\d+)$`),
  handledBy('generate'),
  async (ctx) => {
    const draft = await draftOf(ctx, ctx.match[1] ?? '', ['options']);
    const model = draft && findModel(ctx.deps.catalog, draft.modelId);
    if (!draft || !model) return;
    const input = model.inputs[Number(ctx.match[2])];
    const value = input && optionValues(input)[Number(ctx.match[3])];
    if (!input || value === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
      return;
    }
    const updated = await ctx.deps.drafts.update(draft.id, 'options', 'options', {
      inputs: { ...draft.inputs, [input.name]: value },
    });
    await ctx.answerCallbackQuery();
    if (updated) await showDraft(ctx, updated, true);
  },
);

composer.callbackQuery(new RegExp(`^${GEN.back}:([\\w-]+)$`), handledBy('generate'), async (ctx) => {
  const draft = await draftOf(ctx, ctx.match[1] ?? '', ['options']);
  if (!draft) return;
  await ctx.answerCallbackQuery();
  await showDraft(ctx, draft, true);
});

// Confirm: charge, record the task, and turn this message into its status message.
composer.callbackQuery(new RegExp(`^${GEN.confirm}:([\\w-]+)$`), handledBy('generate'), async (ctx) => {
  const generations = ctx.deps.generations;
  if (!(await available(ctx)) || !generations) return;
  const draft = await draftOf(ctx, ctx.match[1] ?? '', ['options']);
  const model = draft && findModel(ctx.deps.catalog, draft.modelId);
  if (!draft || !model) return;
  if (!model.enabled) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
    return;
  }
  // The generation's later spans (worker, polls, delivery) continue this update's trace.
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const messageId = ctx.callbackQuery.message?.message_id ?? draft.messageId;
  const generation = await generations.start({
    userId: draft.userId,
    chatId: draft.chatId,
    model,
    input: { prompt: draft.prompt ?? '', ...draft.inputs },
    // One draft, one charge: a double press or a redelivered update finds the same generation.
    idempotencyKey: `draft:${draft.id}`,
    ...(carrier.traceparent && { traceparent: carrier.traceparent }),
    ...(messageId !== undefined && { statusMessageId: messageId }),
    ...(draft.sourceFileId && { sourceFileId: draft.sourceFileId }),
  });
  trace
    .getActiveSpan()
    ?.setAttributes({ [ATTR_BOT_GENERATION_ID]: generation.id, [ATTR_BOT_MODEL_ID]: model.id });
  await ctx.deps.drafts.update(draft.id, 'options', 'confirmed', { generationId: generation.id });
  await ctx.answerCallbackQuery({ text: ctx.t('gen-confirmed') });
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const dry = generation.dryRun ? `${ctx.t('gen-dry-run-note')}\n` : '';
  await ctx.editMessageText(`${dry}${ctx.t('gen-status-queued', { model: model.title[lang] })}`, {
    parse_mode: 'HTML',
  });
});

// Cancel a draft (nothing was charged yet).
composer.callbackQuery(new RegExp(`^${GEN.cancel}:([\\w-]+)$`), handledBy('generate'), async (ctx) => {
  const draft = await draftOf(ctx, ctx.match[1] ?? '', ['prompt', 'options']);
  if (!draft) return;
  await ctx.deps.drafts.update(draft.id, draft.stage, 'cancelled');
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('gen-draft-cancelled'));
});

// /cancel: open drafts, and paid generations that have not reached KIE yet (refunded).
feature.command('cancel', handledBy('generate'), async (ctx) => {
  const drafts = await ctx.deps.drafts.cancelOpen(ctx.from.id);
  const cancelled = (await ctx.deps.generations?.cancel(ctx.from.id)) ?? [];
  const refunded = cancelled.reduce((sum, g) => sum + (g.dryRun ? 0 : g.price), 0);
  if (cancelled.length > 0) {
    await ctx.reply(ctx.t('gen-cancelled-summary', { count: cancelled.length, credits: refunded }));
  } else if (drafts > 0) {
    await ctx.reply(ctx.t('gen-draft-cancelled'));
  } else {
    await ctx.reply(ctx.t('gen-nothing-to-cancel'));
  }
});

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

/** Generate: kind → model → prompt/photo → options → confirm; /generate and /cancel. */
export const generateFeature = composer;
