import { InlineKeyboard } from 'grammy';
import type { ProtocolJob } from '../../services/protocols/index.ts';
import type { BotContext } from '../context.ts';
import { MENU } from './main-menu.ts';

/** Callback data of the protocol buttons: `proto:ok:<job id>` and `proto:no:<job id>` (under 64 bytes). */
export const PROTOCOL_ACTION = 'proto';
export const PROTOCOL_CONFIRM = `${PROTOCOL_ACTION}:ok`;
export const PROTOCOL_CANCEL = `${PROTOCOL_ACTION}:no`;

/** Confirm (with the price) and Cancel under a quote. */
export function protocolQuoteKeyboard(ctx: BotContext, job: ProtocolJob): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('protocol-confirm-button', { price: job.price }), `${PROTOCOL_CONFIRM}:${job.id}`)
    .text(ctx.t('protocol-cancel-button'), `${PROTOCOL_CANCEL}:${job.id}`);
}

/** Back to the main menu, under the protocol instructions. */
export function protocolIntroKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('menu-back'), MENU.main);
}
