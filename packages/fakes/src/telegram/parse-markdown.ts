import type { MessageEntity } from 'grammy/types';
import { byteOffset, type FormattedText, parseError, sortEntities } from './parse-helpers.ts';

/** Characters MarkdownV2 requires escaped outside entities (https://core.telegram.org/bots/api#markdownv2-style). */
const RESERVED = '_*[]()~`>#+-=|{}.!';

/** tdlib's names for entity types, as they appear in "Can't find end of … entity" errors. */
const NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  code: 'Code',
  pre: 'Pre',
  blockquote: 'BlockQuote',
};

interface Open {
  type: string;
  offset: number;
  at: number;
  language?: string;
}

/** Parses MarkdownV2, including Telegram's "Character '.' is reserved" errors. */
export function parseMarkdownV2(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  const close = (open: Open, extra: Record<string, unknown> = {}): void => {
    const length = text.length - open.offset;
    if (length > 0) {
      const language = open.language ? { language: open.language } : {};
      entities.push({ type: open.type, offset: open.offset, length, ...language, ...extra } as MessageEntity);
    }
  };
  const toggle = (type: string, at: number): void => {
    const top = stack.at(-1);
    if (top?.type === type) close(stack.pop()!);
    else if (top && stack.some((o) => o.type === type)) throw unclosed(top);
    else stack.push({ type, offset: text.length, at });
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const top = stack.at(-1);
    if (c === '\\' && i + 1 < source.length && source.charCodeAt(i + 1) <= 126) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (top?.type === 'pre' || top?.type === 'code') {
      const end = top.type === 'pre' ? '```' : '`';
      if (source.startsWith(end, i)) {
        close(stack.pop()!);
        i += end.length;
      } else {
        text += c;
        i++;
      }
      continue;
    }
    if (c === '\n' && top?.type === 'blockquote' && source[i + 1] !== '>') close(stack.pop()!);
    if (!RESERVED.includes(c)) {
      text += c;
      i++;
      continue;
    }
    const at = byteOffset(source, i);
    if (c === '_' && source[i + 1] === '_') {
      toggle('underline', at);
      i += 2;
    } else if (c === '_' || c === '*' || c === '~') {
      toggle(c === '_' ? 'italic' : c === '*' ? 'bold' : 'strikethrough', at);
      i++;
    } else if (c === '|' && source[i + 1] === '|') {
      toggle('spoiler', at);
      i += 2;
    } else if (c === '[' || (c === '!' && source[i + 1] === '[')) {
      stack.push({ type: c === '[' ? 'text_link' : 'custom_emoji', offset: text.length, at });
      i += c === '[' ? 1 : 2;
    } else if (c === ']' && (top?.type === 'text_link' || top?.type === 'custom_emoji')) {
      if (source[i + 1] !== '(') throw reserved(c);
      const { url, end } = readUrl(source, i + 2, at);
      const open = stack.pop()!;
      if (open.type === 'custom_emoji') close(open, { custom_emoji_id: /id=(\d+)/.exec(url)?.[1] ?? '' });
      else close(open, { url });
      i = end;
    } else if (c === '`') {
      if (source.startsWith('```', i)) {
        const newline = source.indexOf('\n', i + 3);
        const language = newline === -1 ? '' : source.slice(i + 3, newline);
        const hasLanguage = newline !== -1 && /^[^\s`]*$/.test(language);
        stack.push({
          type: 'pre',
          offset: text.length,
          at,
          ...(language && hasLanguage ? { language } : {}),
        });
        i = hasLanguage ? newline + 1 : i + 3;
      } else {
        stack.push({ type: 'code', offset: text.length, at });
        i++;
      }
    } else if (c === '>' && (i === 0 || source[i - 1] === '\n')) {
      if (top?.type !== 'blockquote') stack.push({ type: 'blockquote', offset: text.length, at });
      i++;
    } else {
      throw reserved(c);
    }
  }
  if (stack.at(-1)?.type === 'blockquote') close(stack.pop()!);
  const open = stack.at(-1);
  if (open) throw unclosed(open);
  return { text, entities: sortEntities(entities) };
}

/** Parses legacy Markdown: no nesting, and only `_ * ` [` are special. */
export function parseMarkdown(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\' && '_*`['.includes(source[i + 1] ?? '')) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(c)) {
      text += c;
      i++;
      continue;
    }
    const at = byteOffset(source, i);
    const missing = parseError(`Can't find end of the entity starting at byte offset ${at}`);
    const offset = text.length;
    if (c === '[') {
      const closeBracket = source.indexOf(']', i + 1);
      if (closeBracket === -1 || source[closeBracket + 1] !== '(') throw missing;
      const closeParen = source.indexOf(')', closeBracket + 2);
      if (closeParen === -1) throw missing;
      text += source.slice(i + 1, closeBracket);
      const url = source.slice(closeBracket + 2, closeParen);
      if (text.length > offset)
        entities.push({ type: 'text_link', offset, length: text.length - offset, url });
      i = closeParen + 1;
      continue;
    }
    const marker = c === '`' && source.startsWith('```', i) ? '```' : c;
    const end = source.indexOf(marker, i + marker.length);
    if (end === -1) throw missing;
    let body = source.slice(i + marker.length, end);
    let language: string | undefined;
    if (marker === '```') {
      const newline = body.indexOf('\n');
      if (newline > 0 && /^\S+$/.test(body.slice(0, newline))) {
        language = body.slice(0, newline);
        body = body.slice(newline + 1);
      }
    }
    text += body;
    const type = marker === '```' ? 'pre' : c === '`' ? 'code' : c === '*' ? 'bold' : 'italic';
    if (body.length > 0) {
      entities.push({
        type,
        offset,
        length: body.length,
        ...(language ? { language } : {}),
      } as MessageEntity);
    }
    i = end + marker.length;
  }
  return { text, entities: sortEntities(entities) };
}

function readUrl(source: string, from: number, at: number): { url: string; end: number } {
  let url = '';
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) url += source[++i];
    else if (c === ')') return { url, end: i + 1 };
    else url += c;
  }
  throw parseError(`Can't find end of a URL at byte offset ${at}`);
}

function reserved(c: string): Error {
  return parseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
}

function unclosed(open: Open): Error {
  return parseError(`Can't find end of ${NAMES[open.type] ?? open.type} entity at byte offset ${open.at}`);
}
