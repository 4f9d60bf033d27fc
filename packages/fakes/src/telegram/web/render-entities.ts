import type { WireEntity } from '../web-chat/wire.ts';

/** Schemes a link in a bot message may use; anything else is shown as plain text. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'tg:', 'mailto:', 'tel:']);

/**
 * Text with Telegram entities as DOM nodes, never as HTML: entities nest (Telegram only allows
 * nesting; an overlap is clipped), offsets count UTF-16 code units like JavaScript strings, and
 * line breaks stay as they are (the container has `white-space: pre-wrap`).
 * https://core.telegram.org/bots/api#messageentity
 */
export function renderEntities(
  text: string,
  entities: readonly WireEntity[] = [],
  onCommand?: (command: string) => void,
): DocumentFragment {
  const sorted = [...entities]
    .filter((e) => e.length > 0 && e.offset >= 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  fragment.append(...renderRange(text, 0, text.length, sorted, onCommand));
  return fragment;
}

function renderRange(
  text: string,
  start: number,
  end: number,
  entities: readonly WireEntity[],
  onCommand: ((command: string) => void) | undefined,
): Node[] {
  const out: Node[] = [];
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i] as WireEntity;
    const entityEnd = entity.offset + entity.length;
    // Entities that start inside this one are its children.
    let j = i + 1;
    while (j < entities.length && (entities[j] as WireEntity).offset < entityEnd) j++;
    const from = Math.max(entity.offset, pos);
    const to = Math.min(entityEnd, end);
    if (to > from) {
      if (from > pos) out.push(document.createTextNode(text.slice(pos, from)));
      const children = renderRange(text, from, to, entities.slice(i + 1, j), onCommand);
      out.push(wrap(entity, text.slice(from, to), children, onCommand));
      pos = to;
    }
    i = j;
  }
  if (pos < end) out.push(document.createTextNode(text.slice(pos, end)));
  return out;
}

function wrap(
  entity: WireEntity,
  content: string,
  children: Node[],
  onCommand: ((command: string) => void) | undefined,
): Node {
  const make = (tag: string, className?: string): HTMLElement => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    el.append(...children);
    return el;
  };
  switch (entity.type) {
    case 'bold':
      return make('b');
    case 'italic':
      return make('i');
    case 'underline':
      return make('u');
    case 'strikethrough':
      return make('s');
    case 'code':
      return make('code');
    case 'pre': {
      const pre = document.createElement('pre');
      const code = make('code', entity.language ? `language-${entity.language}` : undefined);
      pre.append(code);
      return pre;
    }
    case 'blockquote':
    case 'expandable_blockquote':
      return make('blockquote');
    case 'spoiler': {
      const spoiler = make('span', 'spoiler');
      spoiler.tabIndex = 0;
      spoiler.title = 'Spoiler: click or press Enter to reveal';
      const reveal = (): void => void spoiler.classList.toggle('revealed');
      spoiler.addEventListener('click', reveal);
      spoiler.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          reveal();
        }
      });
      return spoiler;
    }
    case 'text_link':
      return link(entity.url ?? '', children);
    case 'url':
      return link(/^[a-z][a-z0-9+.-]*:/i.test(content) ? content : `http://${content}`, children);
    case 'email':
      return link(`mailto:${content}`, children);
    case 'phone_number':
      return link(`tel:${content}`, children);
    case 'bot_command': {
      if (!onCommand) return make('span', 'command');
      // As in Telegram, tapping a command sends it.
      const button = make('button', 'command') as HTMLButtonElement;
      button.type = 'button';
      button.title = `Send ${content}`;
      button.addEventListener('click', () => onCommand(content));
      return button;
    }
    default:
      return make('span', `entity-${entity.type.replaceAll('_', '-')}`);
  }
}

function link(href: string, children: Node[]): HTMLElement {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (!url || !SAFE_SCHEMES.has(url.protocol)) {
    const span = document.createElement('span');
    span.append(...children);
    return span;
  }
  const a = document.createElement('a');
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.append(...children);
  return a;
}
