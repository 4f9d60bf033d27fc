import { type CatalogModel, priceOf } from '../../../catalog/index.ts';
import type { Draft } from '../../../services/drafts/draft.service.ts';
import { cutText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { languageOf } from '../../i18n.ts';
import { optionValueText } from './generate-keyboard.ts';

/** UTF-16 units of the prompt shown, ellipsis included (cut before escaping, so never inside an entity). */
const PROMPT_SHOWN = 500;

/** The confirmation: model, prompt, options, price and the balance after it. */
export function renderDraft(ctx: BotContext, draft: Draft, model: CatalogModel, balance: number): string {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const prompt = draft.prompt ?? '';
  const shown = cutText(prompt, PROMPT_SHOWN);
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
  const price = priceOf(model, draft.inputs).credits;
  if (ctx.deps.config.generations.dryRun) {
    lines.push(ctx.t('gen-dry-run-note'));
  } else if (balance >= price) {
    lines.push(ctx.t('gen-price-line', { price, balance, after: balance - price }));
  } else {
    lines.push(ctx.t('gen-price-short', { price, balance }));
  }
  return lines.join('\n');
}
