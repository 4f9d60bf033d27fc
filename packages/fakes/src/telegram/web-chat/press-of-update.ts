import type { Update } from 'grammy/types';
import type { BotState } from '../bot-state.ts';
import type { WirePress } from './wire.ts';

/**
 * The press an update stands for, with its chat: a callback query (labelled with the pressed
 * button's text) or a pre-checkout query (placed on the invoice it pays). Other updates are none.
 */
export function pressOfUpdate(
  bot: BotState,
  update: Update,
): { chatId: number; press: WirePress } | undefined {
  const query = update.callback_query;
  if (query?.message) {
    const chatId = query.message.chat.id;
    const markup = (
      query.message as {
        reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };
      }
    ).reply_markup;
    const button = markup?.inline_keyboard?.flat().find((b) => b.callback_data === query.data);
    return {
      chatId,
      press: {
        updateId: update.update_id,
        messageId: query.message.message_id,
        kind: 'press',
        label: button?.text ?? query.data ?? '?',
        at: Date.now(),
      },
    };
  }
  const checkout = update.pre_checkout_query;
  if (checkout) {
    const chatId = checkout.from.id;
    const invoice = bot
      .chat(chatId)
      .botEntries()
      .reverse()
      .find((e) => e.invoice?.payload === checkout.invoice_payload);
    return {
      chatId,
      press: {
        updateId: update.update_id,
        messageId: (invoice?.raw.message_id as number | undefined) ?? 0,
        kind: 'pay',
        label: `Pay: pre-checkout ${checkout.total_amount} ${checkout.currency}`,
        at: Date.now(),
      },
    };
  }
  return undefined;
}
