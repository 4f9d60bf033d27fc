import { graphemes } from '../../../text/graphemes.ts';

/** Telegram's limit on a message's text (https://core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

interface Token {
  readonly text: string;
  readonly kind: 'open' | 'close' | 'atom';
  /** Tag name of an open or close tag. */
  readonly name?: string;
}

interface OpenTag {
  readonly name: string;
  /** The opening tag as written, attributes included, to reopen it in the next part. */
  readonly raw: string;
}

interface Break {
  /** Token index the next part starts at. */
  readonly next: number;
  /** Length of the part before the break. */
  readonly length: number;
  readonly stack: readonly OpenTag[];
}

const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?>/;
const ENTITY = /^&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/;

/** Longest grapheme cluster kept whole; only stacked combining marks are longer (emoji take ≤ ~15). */
const MAX_CLUSTER = 64;

/**
 * Tags and entities are indivisible; the text between them is split into grapheme clusters, so a
 * cut never splits an emoji, a flag, a ZWJ sequence or a letter from its accents. A cluster longer
 * than `maxCluster` is split into code points, so that even it cannot make a part too long.
 */
function tokenize(html: string, maxCluster: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    const rest = html.slice(i, i + 512);
    const tag = html[i] === '<' ? TAG.exec(rest) : null;
    if (tag) {
      tokens.push({ text: tag[0], kind: tag[1] ? 'close' : 'open', name: (tag[2] as string).toLowerCase() });
      i += tag[0].length;
      continue;
    }
    const entity = html[i] === '&' ? ENTITY.exec(rest) : null;
    if (entity) {
      tokens.push({ text: entity[0], kind: 'atom' });
      i += entity[0].length;
      continue;
    }
    // Plain text up to the next tag or entity (a lone '<' or '&' is text of its own).
    const next = html.slice(i + 1).search(/[<&]/);
    const end = next < 0 ? html.length : i + 1 + next;
    for (const cluster of graphemes(html.slice(i, end), maxCluster))
      tokens.push({ text: cluster, kind: 'atom' });
    i = end;
  }
  return tokens;
}

const isSpace = (token: Token) => token.kind === 'atom' && /^\s+$/.test(token.text);

const closers = (stack: readonly OpenTag[]) =>
  stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join('');
const openers = (stack: readonly OpenTag[]) => stack.map((t) => t.raw).join('');

function apply(stack: readonly OpenTag[], token: Token): readonly OpenTag[] {
  if (token.kind === 'open') return [...stack, { name: token.name as string, raw: token.text }];
  if (token.kind === 'close') {
    const at = stack.map((t) => t.name).lastIndexOf(token.name as string);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return stack;
}

/**
 * Splits Telegram HTML into parts of at most `limit` characters (UTF-16 units, as Telegram counts),
 * each valid on its own: cuts go at a line break when one is in the second half of the part, else at
 * a space, and only as a last resort between two grapheme clusters; never inside a tag, an entity or
 * a character. Tags open at a cut are closed at the end of the part and reopened at the start of the
 * next. Lengths are counted on the HTML source, which is never shorter than the text Telegram counts.
 */
export function splitHtml(html: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (html.length <= limit) return html.trim() === '' ? [] : [html];
  const tokens = tokenize(html, Math.min(MAX_CLUSTER, Math.max(2, Math.floor(limit / 2))));
  const parts: string[] = [];
  let stack: readonly OpenTag[] = [];
  let part = '';
  let prefix = 0;
  let newline: Break | undefined;
  let space: Break | undefined;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const after = apply(stack, token);
    if (part.length + token.text.length + closers(after).length > limit && part.length > prefix) {
      const late = newline && newline.length >= limit / 2 ? newline : undefined;
      const cut = late ?? space ?? newline ?? { next: i, length: part.length, stack };
      parts.push(part.slice(0, cut.length).trimEnd() + closers(cut.stack));
      stack = cut.stack;
      part = openers(stack);
      prefix = part.length;
      i = cut.next;
      while (i < tokens.length && isSpace(tokens[i] as Token)) i += 1;
      newline = undefined;
      space = undefined;
      continue;
    }
    if (isSpace(token) && part.length > prefix) {
      const at: Break = { next: i + 1, length: part.length, stack };
      if (token.text.includes('\n')) newline = at;
      else space = at;
    }
    part += token.text;
    stack = after;
    i += 1;
  }
  if (part.length > prefix && part.trim() !== '') parts.push(part + closers(stack));
  return parts;
}
