import type { CatalogModel } from '../../catalog/index.ts';
import type { Draft } from '../../services/drafts/draft.service.ts';
import type { BotContext } from '../context.ts';
import { escapeHtml } from '../escape-html.ts';
import { languageOf } from '../i18n.ts';
import { optionValueText } from '../keyboards/generate.ts';

const PROMPT_SHOWN = 500;

/** The confirmation: model, prompt, options, price and the balance after it. */
export function renderDraft(ctx: BotContext, draft: Draft, model: CatalogModel, balance: number): string {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const prompt = draft.prompt ?? '';
  const shown = prompt.length > PROMPT_SHOWN ? `${prompt.slice(0, PROMPT_SHOWN)}…` : prompt;
  const lines = [
    `<b>${escapeHtml(model.title[lang])}</b>`,
    `📝 ${escapeHtml(shown)}`,
    ...(draft.sourceFileId ? [ctx.t('gen-photo-attached')] : []),
    ...model.inputs.map(
      (input) =>
        `• ${escapeHtml(input.label[lang])}: ${escapeHtml(optionValueText(ctx, draft.inputs[input.name] ?? input.default))}`,
    ),
    '',
  ];
  if (ctx.deps.config.generations.dryRun) {
    lines.push(ctx.t('gen-dry-run-note'));
  } else if (balance >= model.price) {
    lines.push(ctx.t('gen-price-line', { price: model.price, balance, after: balance - model.price }));
  } else {
    lines.push(ctx.t('gen-price-short', { price: model.price, balance }));
  }
  return lines.join('\n');
}
