import type { Protocol } from '../../../services/protocols/index.ts';
import { escapeHtml } from '../../escape-html.ts';

/** Translates a key for the job's language (the notifier binds it). */
export type Translate = (key: string, args?: Record<string, string | number>) => string;

/** The protocol as Telegram HTML: headed sections, one bullet per item, owners in italics. */
export function renderProtocolHtml(protocol: Protocol, t: Translate): string {
  const none = `<i>${escapeHtml(t('protocol-none'))}</i>`;
  const list = (items: readonly string[]) => (items.length ? items.map((i) => `• ${i}`).join('\n') : none);
  const section = (key: string, body: string) => `<b>${escapeHtml(t(key))}</b>\n${body}`;
  return [
    `<b>${escapeHtml(t('protocol-title'))}</b>`,
    section('protocol-summary', escapeHtml(protocol.summary) || none),
    section('protocol-decisions', list(protocol.decisions.map(escapeHtml))),
    section(
      'protocol-action-items',
      list(
        protocol.actionItems.map(
          (a) => `${escapeHtml(a.task)} — <i>${escapeHtml(a.owner ?? t('protocol-owner-unknown'))}</i>`,
        ),
      ),
    ),
    section('protocol-open-questions', list(protocol.openQuestions.map(escapeHtml))),
  ].join('\n\n');
}

/** The same protocol as a Markdown file, for protocols too long for a few messages. */
export function renderProtocolMarkdown(protocol: Protocol, t: Translate): string {
  const none = `_${t('protocol-none')}_`;
  const list = (items: readonly string[], bullet = '- ') =>
    items.length ? items.map((i) => `${bullet}${i}`).join('\n') : none;
  return [
    `# ${t('protocol-title')}`,
    `## ${t('protocol-summary')}\n\n${protocol.summary || none}`,
    `## ${t('protocol-decisions')}\n\n${list(protocol.decisions)}`,
    `## ${t('protocol-action-items')}\n\n${list(
      protocol.actionItems.map((a) => `${a.task} — ${a.owner ?? t('protocol-owner-unknown')}`),
      '- [ ] ',
    )}`,
    `## ${t('protocol-open-questions')}\n\n${list(protocol.openQuestions)}`,
  ]
    .join('\n\n')
    .concat('\n');
}
