import type { ChatMessage } from '@tg-genbot/fakes/telegram';

/** An inline button as the terminal shows it: numbered so a person can press it by number. */
export interface NumberedButton {
  readonly n: number;
  readonly messageId: number;
  readonly text: string;
  readonly data?: string;
  readonly url?: string;
}

// Styling only on a real terminal; piped output stays plain text.
const tty = Boolean(process.stdout.isTTY);
const BOLD = tty ? '\x1b[1m' : '';
const DIM = tty ? '\x1b[2m' : '';
const RESET = tty ? '\x1b[0m' : '';

/** Renders a bot message for a terminal: entities as bold, media and invoices as one line, buttons numbered. */
export function renderMessage(
  message: ChatMessage,
  firstButton: number,
  kind: 'new' | 'edit',
): { text: string; buttons: NumberedButton[] } {
  const head = kind === 'edit' ? `✏️  message ${message.messageId} edited` : `🤖 message ${message.messageId}`;
  const lines = [`${DIM}${head}${RESET}`];
  if (message.deleted) return { text: `${DIM}🗑  message ${message.messageId} deleted${RESET}`, buttons: [] };
  if (message.media) {
    lines.push(
      `[${message.media.kind}${message.media.url ? ` ${message.media.url}` : ''}${message.media.upload ? ` ${message.media.upload.filename} (${message.media.upload.size} bytes)` : ''}]`,
    );
  }
  if (message.invoice) {
    lines.push(
      `[invoice] ${message.invoice.title}: ${message.invoice.totalAmount} ${message.invoice.currency} — type :pay`,
    );
  }
  const body = message.text ?? message.caption;
  if (body) lines.push(boldEntities(body, message));
  const buttons: NumberedButton[] = [];
  const keyboard = (
    message.replyMarkup as
      | { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> }
      | undefined
  )?.inline_keyboard;
  for (const row of keyboard ?? []) {
    const cells: string[] = [];
    for (const button of row) {
      const n = firstButton + buttons.length;
      buttons.push({
        n,
        messageId: message.messageId,
        text: button.text,
        ...(button.callback_data ? { data: button.callback_data } : {}),
        ...(button.url ? { url: button.url } : {}),
      });
      cells.push(`${BOLD}[${n}]${RESET} ${button.text}`);
    }
    lines.push(`   ${cells.join('   ')}`);
  }
  return { text: lines.join('\n'), buttons };
}

function boldEntities(text: string, message: ChatMessage): string {
  const entities = [...(message.entities ?? [])]
    .filter((e) => e.type === 'bold')
    .sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of entities) {
    out = `${out.slice(0, e.offset)}${BOLD}${out.slice(e.offset, e.offset + e.length)}${RESET}${out.slice(e.offset + e.length)}`;
  }
  return out;
}
