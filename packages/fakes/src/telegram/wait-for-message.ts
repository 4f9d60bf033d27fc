import type { BotState } from './bot-state.ts';
import { type ChatEntry, toChatMessage } from './chat-state.ts';
import type { FakeCore } from './fake-core.ts';
import type { ChatMessage } from './types.ts';

/** Which messages a wait looks at. */
export interface WaitScope {
  /** Only messages with a higher id (their current state). */
  afterMessageId?: number;
  /** Otherwise: only messages sent, edited or deleted after this chat `seq`. */
  afterSeq: number;
}

/**
 * Resolves with the earliest change in a chat that matches `pred`, already made or coming;
 * on timeout rejects with a list of what the bot did send and its recent API errors.
 */
export function waitForBotMessage(
  core: FakeCore,
  bot: BotState,
  chatId: number,
  pred: (m: ChatMessage) => boolean,
  scope: WaitScope,
  timeoutMs: number,
): Promise<{ message: ChatMessage; seq: number }> {
  const chat = bot.chat(chatId);
  const inScope = (e: ChatEntry): boolean =>
    scope.afterMessageId !== undefined
      ? (e.raw.message_id as number) > scope.afterMessageId
      : e.seq > scope.afterSeq;
  const find = (): { message: ChatMessage; seq: number } | undefined => {
    const candidates = chat
      .botEntries()
      .filter(inScope)
      .sort((a, b) => a.seq - b.seq);
    for (const entry of candidates) {
      const message = toChatMessage(entry);
      if (pred(message)) return { message, seq: entry.seq };
    }
    return undefined;
  };
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onChange = (e: { token: string; chatId: number }): void => {
      if (e.token !== bot.token || e.chatId !== chatId) return;
      const match = find();
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onStop = (): void => {
      cleanup();
      reject(new Error(`waitForMessage: the Telegram fake stopped while chat ${chatId} was waiting`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(describeTimeout(core, bot, chatId, timeoutMs)));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      core.events.off('bot-message', onChange);
      core.events.off('bot-edit', onChange);
      core.stopSignal.removeEventListener('abort', onStop);
    };
    core.events.on('bot-message', onChange);
    core.events.on('bot-edit', onChange);
    core.stopSignal.addEventListener('abort', onStop, { once: true });
  });
}

function describeTimeout(core: FakeCore, bot: BotState, chatId: number, timeoutMs: number): string {
  const sent = bot.chat(chatId).botEntries().map(toChatMessage);
  const lines = sent.map((m) => `  ${summarize(m)}`);
  const errors = core.calls
    .filter((c) => c.token === bot.token && !c.response.ok)
    .slice(-5)
    .map(
      (c) =>
        `  ${c.method}: ${c.response.dropped ? 'dropped' : `${c.response.error_code} ${c.response.description}`}`,
    );
  return [
    `waitForMessage: no matching bot message in chat ${chatId} within ${timeoutMs} ms.`,
    `Bot messages in this chat (${sent.length}):`,
    ...(lines.length > 0 ? lines : ['  (none)']),
    ...(errors.length > 0 ? ['Recent failed API calls of this bot:', ...errors] : []),
  ].join('\n');
}

/** One line per message, for error texts and logs. */
export function summarize(m: ChatMessage): string {
  const body = m.text ?? m.caption ?? '';
  const kind = m.media
    ? `<${m.media.kind}> `
    : m.invoice
      ? `<invoice ${m.invoice.totalAmount} ${m.invoice.currency}> `
      : '';
  const buttons =
    m.replyMarkup && 'inline_keyboard' in m.replyMarkup
      ? ` [${m.replyMarkup.inline_keyboard
          .flat()
          .map((b) => b.text)
          .join(' | ')}]`
      : '';
  const flags = `${m.editedCount > 0 ? ` (edited ${m.editedCount}x)` : ''}${m.deleted ? ' (deleted)' : ''}`;
  return `#${m.messageId} ${kind}${JSON.stringify(body.length > 120 ? `${body.slice(0, 117)}...` : body)}${buttons}${flags}`;
}
