import { InlineKeyboard } from 'grammy';
import {
  type CatalogModel,
  enabledModels,
  MODEL_KINDS,
  type ModelKind,
  optionValues,
  priceOf,
  priceRange,
} from '../../../catalog/index.ts';
import type { Draft } from '../../../services/drafts/draft.service.ts';
import type { BotContext } from '../../context.ts';
import { languageOf } from '../../i18n.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { GEN_KIND_KEY } from '../../message-keys.ts';
import { topUpForData } from '../payments/top-up-keyboard.ts';

/**
 * Callback data of the generation flow. Draft buttons carry the draft id, so a press is checked
 * against the draft's owner and stage (a forged or stale button is refused); option values travel
 * as indexes into the catalog, never as free text.
 */
export const GEN = {
  kind: 'gen:k',
  model: 'gen:m',
  option: 'gen:o',
  value: 'gen:v',
  back: 'gen:b',
  confirm: 'gen:ok',
  cancel: 'gen:x',
  history: 'gen:h',
  resend: 'gen:r',
} as const;

const KIND_ICON: Record<ModelKind, string> = { image: '🖼', video: '🎬', music: '🎵' };

/** Image / video / music, for the kinds that have an enabled model. */
export function kindsKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const kind of MODEL_KINDS) {
    if (enabledModels(ctx.deps.catalog, kind).length === 0) continue;
    keyboard.text(`${KIND_ICON[kind]} ${ctx.t(GEN_KIND_KEY[kind])}`, `${GEN.kind}:${kind}`).row();
  }
  return keyboard.text(ctx.t('menu-back'), MENU.main);
}

/** `8 cr`, or `from 100 cr` when the options change the price. */
export function modelPriceText(model: CatalogModel): { key: string; price: number } {
  const { min, max } = priceRange(model);
  return { key: min === max ? 'gen-model-button' : 'gen-model-button-from', price: min };
}

/** The enabled models of one kind, each with its price (the cheapest, when options change it). */
export function modelsKeyboard(ctx: BotContext, kind: ModelKind): InlineKeyboard {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const keyboard = new InlineKeyboard();
  for (const model of enabledModels(ctx.deps.catalog, kind)) {
    const { key, price } = modelPriceText(model);
    keyboard.text(ctx.t(key, { title: model.title[lang], price }), `${GEN.model}:${model.id}`).row();
  }
  return keyboard.text(ctx.t('menu-back'), MENU.generate);
}

/** Shows a boolean option's value in words. */
export function optionValueText(ctx: BotContext, value: string | boolean): string {
  return typeof value === 'boolean' ? ctx.t(value ? 'gen-option-on' : 'gen-option-off') : value;
}

/** One button per option (showing its value), then Confirm / Cancel, and Top up when the balance is short. */
export function draftKeyboard(
  ctx: BotContext,
  draft: Draft,
  model: CatalogModel,
  shortOfCredits: boolean,
): InlineKeyboard {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const keyboard = new InlineKeyboard();
  model.inputs.forEach((input, i) => {
    const value = draft.inputs[input.name] ?? input.default;
    keyboard
      .text(`${input.label[lang]}: ${optionValueText(ctx, value)}`, `${GEN.option}:${draft.id}:${i}`)
      .row();
  });
  // Top up from here keeps the draft: the receipt's Continue comes back to this confirmation.
  if (shortOfCredits) keyboard.text(ctx.t('gen-top-up'), topUpForData({ kind: 'draft', id: draft.id })).row();
  return keyboard
    .text(ctx.t('gen-confirm', { price: priceOf(model, draft.inputs).credits }), `${GEN.confirm}:${draft.id}`)
    .text(ctx.t('gen-cancel'), `${GEN.cancel}:${draft.id}`);
}

/** ` · +100` / ` · −50`: what picking `value` changes in the price of the current choice; empty if nothing. */
function priceDelta(
  model: CatalogModel,
  inputs: Draft['inputs'],
  name: string,
  value: string | boolean,
): string {
  const delta = priceOf(model, { ...inputs, [name]: value }).credits - priceOf(model, inputs).credits;
  return delta === 0 ? '' : ` · ${delta > 0 ? '+' : '−'}${Math.abs(delta)}`;
}

/** The values of one option; the current one is marked, the others show how they change the price. */
export function valuesKeyboard(
  ctx: BotContext,
  draft: Draft,
  model: CatalogModel,
  inputIndex: number,
): InlineKeyboard {
  const input = model.inputs[inputIndex];
  const keyboard = new InlineKeyboard();
  if (!input) return keyboard;
  const current = draft.inputs[input.name] ?? input.default;
  optionValues(input).forEach((value, j) => {
    const label = `${value === current ? '• ' : ''}${optionValueText(ctx, value)}${priceDelta(model, draft.inputs, input.name, value)}`;
    keyboard.text(label, `${GEN.value}:${draft.id}:${inputIndex}:${j}`);
    if (j % 4 === 3) keyboard.row();
  });
  return keyboard.row().text(ctx.t('menu-back'), `${GEN.back}:${draft.id}`);
}

/** Just Cancel, while the bot waits for the prompt or photo. */
export function promptKeyboard(ctx: BotContext, draft: Draft): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('gen-cancel'), `${GEN.cancel}:${draft.id}`);
}
