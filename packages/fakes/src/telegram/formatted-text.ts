import type { MessageEntity } from 'grammy/types';
import { badRequest } from './api-error.ts';
import type { FormattedText } from './parse-helpers.ts';
import { parseHtml } from './parse-html.ts';
import { parseMarkdown, parseMarkdownV2 } from './parse-markdown.ts';

export type { FormattedText } from './parse-helpers.ts';

/** Applies parse_mode (or explicit entities) the way the Bot API does, then trims whitespace. */
export function formatText(
  source: string,
  parseMode: string | undefined,
  entities?: MessageEntity[],
): FormattedText {
  let formatted: FormattedText;
  switch (parseMode?.toLowerCase()) {
    case undefined:
    case '':
      formatted = { text: source, entities: entities ?? [] };
      break;
    case 'html':
      formatted = parseHtml(source);
      break;
    case 'markdownv2':
      formatted = parseMarkdownV2(source);
      break;
    case 'markdown':
      formatted = parseMarkdown(source);
      break;
    default:
      throw badRequest('unsupported parse_mode');
  }
  return trim(formatted);
}

/** Telegram drops leading and trailing whitespace of message texts and captions. */
function trim({ text, entities }: FormattedText): FormattedText {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const kept: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) kept.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: kept };
}
