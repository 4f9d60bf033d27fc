import type { WireButton, WireMedia, WireMessage, WirePress, WireTrace } from '../web-chat/wire.ts';
import { renderEntities } from './render-entities.ts';

/** What the buttons and commands of a message do. */
export interface MessageActions {
  press(message: WireMessage, button: WireButton, element: HTMLButtonElement): void;
  pay(message: WireMessage, element: HTMLButtonElement): void;
  command(text: string): void;
}

/** A chat message as a list item: media, invoice, text, inline keyboard, then time and traces. */
export function renderMessage(
  message: WireMessage,
  presses: readonly WirePress[],
  actions: MessageActions,
): HTMLLIElement {
  const li = el('li', `message ${message.fromBot ? 'bot' : 'user'}`);
  li.id = `msg-${message.id}`;
  li.dataset.id = String(message.id);
  if (message.updateId !== undefined) li.dataset.updateId = String(message.updateId);
  li.tabIndex = -1; // focus lands here when an edit removes the focused button
  const bubble = el('div', 'bubble');
  if (message.media) bubble.append(renderMedia(message.media, message.fromBot));
  if (message.invoice) {
    const invoice = el('div', 'invoice');
    invoice.append(
      el('strong', 'invoice-title', message.invoice.title),
      el('p', 'invoice-description', message.invoice.description),
    );
    bubble.append(invoice);
  }
  if (message.service) bubble.append(el('p', 'service', message.service));
  if (message.text) {
    const text = el('div', 'text');
    text.append(
      renderEntities(message.text, message.entities, message.fromBot ? actions.command : undefined),
    );
    bubble.append(text);
  }
  if (message.keyboard) bubble.append(renderKeyboard(message, actions));
  const meta = el('footer', 'meta');
  meta.append(el('time', undefined, new Date(message.date * 1000).toLocaleTimeString()));
  if (message.edited) meta.append(el('span', 'edited', 'edited'));
  if (message.traces.length === 0 && message.updateId !== undefined) meta.append(pendingTrace());
  for (const trace of message.traces) meta.append(traceAnchor(trace));
  bubble.append(meta);
  li.append(bubble);
  const pressList = el('ul', 'presses');
  pressList.setAttribute('aria-label', 'Presses');
  for (const press of presses) pressList.append(renderPress(press));
  li.append(pressList);
  return li;
}

/** A press or payment under the message it belongs to, with the trace of its update. */
export function renderPress(press: WirePress): HTMLLIElement {
  const li = el('li', `press ${press.kind}`);
  li.dataset.updateId = String(press.updateId);
  li.append(el('span', undefined, `${press.kind === 'pay' ? '⭐' : '👆'} ${press.label}`));
  li.append(press.trace ? traceAnchor(press.trace) : pendingTrace());
  return li;
}

/** A trace id, short, linking to Grafana Explore; the full id is in its title and data. */
export function traceAnchor(trace: WireTrace): HTMLAnchorElement {
  const a = el('a', 'trace', `trace ${trace.traceId.slice(0, 8)}`);
  a.href = trace.url;
  a.target = '_blank';
  a.rel = 'noopener';
  a.dataset.traceId = trace.traceId;
  a.title = `Trace ${trace.traceId}: open in Grafana Explore`;
  return a;
}

/** After this long without a trace id, the bot is not sending any (its telemetry is off). */
const NO_TRACE_AFTER_MS = 15_000;

/** Shown until the bot's first API call for the update brings its trace id. */
function pendingTrace(): HTMLSpanElement {
  const span = el('span', 'trace-pending', 'trace …');
  span.title = 'The trace id arrives with the bot’s first Bot API call for this update';
  setTimeout(() => {
    if (!span.isConnected) return;
    span.textContent = 'no trace';
    span.title = 'No Bot API call for this update carried a traceparent (is telemetry off?)';
  }, NO_TRACE_AFTER_MS);
  return span;
}

function renderKeyboard(message: WireMessage, actions: MessageActions): HTMLElement {
  const keyboard = el('div', 'keyboard');
  keyboard.setAttribute('role', 'group');
  keyboard.setAttribute('aria-label', 'Buttons');
  for (const row of message.keyboard ?? []) {
    const line = el('div', 'row');
    for (const button of row) {
      if (button.kind === 'url' && button.url && /^(https?|tg):/.test(button.url)) {
        const a = el('a', 'key', `${button.text} ↗`);
        a.href = button.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        line.append(a);
        continue;
      }
      const b = el('button', 'key', button.text);
      b.type = 'button';
      if (button.kind === 'callback') b.addEventListener('click', () => actions.press(message, button, b));
      else if (button.kind === 'pay') b.addEventListener('click', () => actions.pay(message, b));
      else {
        b.disabled = true;
        b.title = 'This kind of button does nothing in the sandbox';
      }
      line.append(b);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderMedia(media: WireMedia, fromBot: boolean): HTMLElement {
  const who = fromBot ? 'from the bot' : 'you sent';
  switch (media.kind) {
    case 'photo': {
      const a = el('a', 'media');
      a.href = media.src;
      a.target = '_blank';
      const img = el('img', media.kind);
      img.src = media.src;
      img.alt = `Photo ${who}`;
      whenMissing(img, a, 'Photo');
      a.append(img);
      return a;
    }
    case 'sticker':
      return renderSticker(media, who);
    case 'video':
    case 'animation': {
      const video = el('video', 'media');
      video.src = media.src;
      video.controls = true;
      video.preload = 'metadata';
      video.setAttribute('aria-label', `Video ${who}`);
      whenMissing(video, video, 'Video');
      return video;
    }
    case 'audio':
    case 'voice': {
      const audio = el('audio', 'media');
      audio.src = media.src;
      audio.controls = true;
      const what = media.kind === 'voice' ? 'Voice message' : 'Audio';
      audio.setAttribute('aria-label', `${what} ${who}`);
      whenMissing(audio, audio, what);
      return audio;
    }
    default: {
      const a = el('a', 'document', `📄 ${media.fileName ?? 'file'}`);
      a.href = media.src;
      a.download = media.fileName ?? '';
      if (media.size !== undefined) a.append(el('small', undefined, ` ${formatSize(media.size)}`));
      return a;
    }
  }
}

/**
 * A sticker at emoji size, as Telegram shows one: its emoji at once, replaced by its picture when
 * that is a real image (the fake's own stickers are a 1×1 pixel standing for their emoji).
 */
function renderSticker(media: WireMedia, who: string): HTMLElement {
  const box = el('span', 'sticker');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', `Sticker ${media.emoji ?? ''} ${who}`.replace(/ {2}/, ' '));
  box.dataset.emoji = media.emoji ?? '';
  box.textContent = media.emoji ?? '🖼️';
  const picture = new Image();
  picture.onload = () => {
    if (picture.naturalWidth <= 1 || picture.naturalHeight <= 1) return;
    picture.alt = '';
    box.replaceChildren(picture);
  };
  picture.src = media.src;
  return box;
}

/** Media whose file is gone (a restarted sandbox that lost it): a clear placeholder, not a broken icon. */
function whenMissing(media: HTMLImageElement | HTMLMediaElement, shown: HTMLElement, what: string): void {
  media.addEventListener(
    'error',
    () => {
      const placeholder = el('span', 'media-missing', `${what} no longer available`);
      placeholder.setAttribute('role', 'img');
      shown.replaceWith(placeholder);
    },
    { once: true },
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** createElement with a class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
