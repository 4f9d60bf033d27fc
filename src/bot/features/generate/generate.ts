import { context, propagation, trace } from '@opentelemetry/api';
import { Composer } from 'grammy';
import {
  defaultInputs,
  findModel,
  MODEL_KINDS,
  type ModelKind,
  optionValues,
  priceRange,
} from '../../../catalog/index.ts';
import { ValidationError } from '../../../errors/app-error.ts';
import type { Draft } from '../../../services/drafts/draft.service.ts';
import { ATTR_BOT_GENERATION_ID, ATTR_BOT_MODEL_ID } from '../../../telemetry/attributes.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { languageOf } from '../../i18n.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { isAfterGeneration } from './after-generation-keyboard.ts';
import { available, draftOf, showDraft } from './draft-view.ts';
import { GEN, kindsKeyboard, modelsKeyboard, promptKeyboard, valuesKeyboard } from './generate-keyboard.ts';
import { promptContinued, sentPart } from './prompt-paste.ts';

const composer = new Composer<BotContext>();
const feature = composer.chatType('private');

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

/** Generate: kind → model → prompt/photo → options → confirm; /generate and /cancel. */
export const generateFeature = composer;
