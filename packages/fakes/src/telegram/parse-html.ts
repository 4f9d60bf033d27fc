import type { MessageEntity } from 'grammy/types';
import { byteOffset, type FormattedText, parseError, sortEntities } from './parse-helpers.ts';

/** Supported tags (https://core.telegram.org/bots/api#html-style) and the entity each makes. */
const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

interface OpenTag {
  name: string;
  offset: number;
  attrs: Record<string, string>;
  language?: string;
}

/** Parses Telegram's HTML subset, failing with Telegram's messages on bad markup. */
export function parseHtml(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '&') {
      const [decoded, length] = decodeEntity(source, i);
      text += decoded;
      i += length;
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const at = byteOffset(source, i);
    if (source[i + 1] === '/') {
      const close = source.indexOf('>', i);
      if (close === -1) throw parseError(`Can't find end of tag at byte offset ${at}`);
      const name = source
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const open = stack.pop();
      if (!open) throw parseError(`Unexpected end tag at byte offset ${at}`);
      if (open.name !== name) {
        throw parseError(
          `Unmatched end tag at byte offset ${at}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const entity = toEntity(open, text.length, stack.at(-1));
      if (entity) entities.push(entity);
      i = close + 1;
      continue;
    }
    const name = (/^[a-zA-Z0-9-]*/.exec(source.slice(i + 1))?.[0] ?? '').toLowerCase();
    if (!(name in TAGS)) throw parseError(`Unsupported start tag "${name}" at byte offset ${at}`);
    const { attrs, end } = readAttributes(source, i + 1 + name.length, at);
    if (name === 'span' && attrs.class !== 'tg-spoiler') {
      throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
    }
    stack.push({ name, offset: text.length, attrs });
    i = end;
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function readAttributes(
  source: string,
  from: number,
  at: number,
): { attrs: Record<string, string>; end: number } {
  const attrs: Record<string, string> = {};
  const re = /\s*([a-zA-Z0-9_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/y;
  let i = from;
  for (;;) {
    while (/\s/.test(source[i] ?? '')) i++;
    if (source[i] === '>') return { attrs, end: i + 1 };
    re.lastIndex = i;
    const m = re.exec(source);
    if (!m) throw parseError(`Can't find end of tag at byte offset ${at}`);
    attrs[m[1]!.toLowerCase()] = decodeAll(m[2] ?? m[3] ?? m[4] ?? '');
    i = re.lastIndex;
  }
}

function toEntity(open: OpenTag, end: number, parent: OpenTag | undefined): MessageEntity | undefined {
  const offset = open.offset;
  const length = end - offset;
  const type = TAGS[open.name]!;
  if (type === 'code' && parent?.name === 'pre' && open.attrs.class?.startsWith('language-')) {
    parent.language = open.attrs.class.slice('language-'.length);
    return undefined;
  }
  if (length <= 0) return undefined;
  switch (type) {
    case 'text_link':
      return open.attrs.href ? { type, offset, length, url: open.attrs.href } : undefined;
    case 'pre':
      return { type, offset, length, ...(open.language ? { language: open.language } : {}) } as MessageEntity;
    case 'blockquote':
      return { type: 'expandable' in open.attrs ? 'expandable_blockquote' : 'blockquote', offset, length };
    case 'custom_emoji':
      return open.attrs['emoji-id']
        ? { type, offset, length, custom_emoji_id: open.attrs['emoji-id'] }
        : undefined;
    default:
      return { type, offset, length } as MessageEntity;
  }
}

/** Telegram knows only &lt; &gt; &amp; &quot; and numeric entities; others stay as typed. */
function decodeEntity(source: string, i: number): [string, number] {
  const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(source.slice(i, i + 12));
  if (!m) return ['&', 1];
  const name = m[1]!;
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  const decoded =
    named[name] ??
    String.fromCodePoint(name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
  return [decoded, m[0].length];
}

function decodeAll(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) {
    const [decoded, length] = value[i] === '&' ? decodeEntity(value, i) : [value[i]!, 1];
    out += decoded;
    i += length;
  }
  return out;
}
