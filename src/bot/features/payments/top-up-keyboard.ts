import { InlineKeyboard } from 'grammy';
import { encodeTarget, type TopUpTarget } from '../../../services/payments/top-up-target.ts';
import type { BotContext, TopUpPack } from '../../context.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import type { Translate } from '../generate/after-generation-keyboard.ts';

/** Callback data prefix of a pack button: `topup:<pack id>`, or `topup:<pack id>:<target>`. */
export const TOP_UP_ACTION = 'topup';
/** "Top up" under a confirmation or quote the balance does not cover: `pay:top:<target>`. */
export const TOP_UP_FOR = 'pay:top';
/** "Continue" under the receipt of a top-up started from a confirmation: `pay:go:<target>`. */
export const TOP_UP_CONTINUE = 'pay:go';

/** Telegram refuses callback data above 64 bytes. */
const CALLBACK_DATA_MAX = 64;

/** A pack button's data; without the target if it would not fit (the credits still arrive, no Continue). */
function packData(pack: TopUpPack, target: TopUpTarget | undefined): string {
  const plain = `${TOP_UP_ACTION}:${pack.id}`;
  if (!target) return plain;
  const data = `${plain}:${encodeTarget(target)}`;
  return Buffer.byteLength(data) <= CALLBACK_DATA_MAX ? data : plain;
}

/**
 * One button per Stars pack ("100 credits · 50 ⭐": the pack's title would only repeat the credits),
 * then Back. With a target, paying for a pack leads back to that confirmation or quote.
 */
export function topUpKeyboard(
  ctx: BotContext,
  packs: readonly TopUpPack[],
  target?: TopUpTarget,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const pack of packs) {
    keyboard
      .text(ctx.t('topup-pack-button', { credits: pack.credits, stars: pack.stars }), packData(pack, target))
      .row();
  }
  return keyboard.text(ctx.t('menu-back'), MENU.main);
}

/** The "Top up" button under a confirmation or quote that the balance does not cover. */
export function topUpForData(target: TopUpTarget): string {
  return `${TOP_UP_FOR}:${encodeTarget(target)}`;
}

/** Continue, under a receipt: back to the confirmation or quote the top-up was for (workers have no ctx). */
export function continueKeyboard(t: Translate, target: TopUpTarget): InlineKeyboard {
  return new InlineKeyboard().text(t('topup-continue'), `${TOP_UP_CONTINUE}:${encodeTarget(target)}`);
}
