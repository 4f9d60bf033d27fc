import { InlineKeyboard } from 'grammy';
import type { ProtocolJob } from '../../../services/protocols/index.ts';
import type { BotContext } from '../../context.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { topUpForData } from '../payments/top-up-keyboard.ts';

/**
 * Callback data of the protocol buttons: `proto:ok:<job id>:<price>` and `proto:no:<job id>` (under
 * 64 bytes). The price lets Confirm refuse a quote that grew (a paste's next part) after it was seen.
 */
export const PROTOCOL_ACTION = 'proto';
export const PROTOCOL_CONFIRM = `${PROTOCOL_ACTION}:ok`;
export const PROTOCOL_CANCEL = `${PROTOCOL_ACTION}:no`;

/**
 * Confirm (with the price) and Cancel under a quote; above them Top up when the balance does not
 * cover it (the receipt's Continue comes back to this quote).
 */
export function protocolQuoteKeyboard(
  ctx: BotContext,
  job: ProtocolJob,
  shortOfCredits = false,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (shortOfCredits)
    keyboard.text(ctx.t('gen-top-up'), topUpForData({ kind: 'protocol', id: job.id })).row();
  return keyboard
    .text(
      ctx.t('protocol-confirm-button', { price: job.price }),
      `${PROTOCOL_CONFIRM}:${job.id}:${job.price}`,
    )
    .text(ctx.t('protocol-cancel-button'), `${PROTOCOL_CANCEL}:${job.id}`);
}

/** Back to the main menu, under the protocol instructions. */
export function protocolIntroKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('menu-back'), MENU.main);
}
