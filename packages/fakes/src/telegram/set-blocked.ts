import type { User } from 'grammy/types';
import type { BotState } from './bot-state.ts';
import type { FakeCore } from './fake-core.ts';
import { chatObject, nowSeconds } from './message-builder.ts';

/**
 * Blocks or unblocks the bot for user `from`; a change posts the my_chat_member update Telegram
 * sends. Blocking is what makes Telegram answer 403 to chat-bound calls.
 */
export function setBlocked(core: FakeCore, bot: BotState, from: User, blocked: boolean): void {
  if (bot.blocked.has(from.id) === blocked) return;
  if (blocked) bot.blocked.add(from.id);
  else bot.blocked.delete(from.id);
  const member = { user: bot.user, status: 'member' };
  const kicked = { user: bot.user, status: 'kicked', until_date: 0 };
  core.enqueue(bot, {
    my_chat_member: {
      chat: chatObject(core, from.id),
      from,
      date: nowSeconds(),
      old_chat_member: blocked ? member : kicked,
      new_chat_member: blocked ? kicked : member,
    },
  });
}
