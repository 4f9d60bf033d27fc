import { InlineKeyboard } from 'grammy';
import type { GenerationSummary } from '../../../services/admin/index.ts';
import type { BotContext } from '../../context.ts';

/** Callback data of the admin buttons (`admin:<view>`, `admin:recheck:<generation id>`). */
export const ADMIN_ACTION = {
  totals: 'admin:totals',
  inFlight: 'admin:in_flight',
  failed: 'admin:failed',
  recheck: 'admin:recheck',
} as const;

/** Refresh, in flight, failed: under the totals and every list. */
export function adminKeyboard(ctx: BotContext, recheck: readonly GenerationSummary[] = []): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  // A UUID keeps `admin:recheck:<id>` at 50 bytes, inside Telegram's 64-byte callback data limit.
  for (const g of recheck) {
    const data = `${ADMIN_ACTION.recheck}:${g.id}`;
    if (Buffer.byteLength(data) <= 64)
      keyboard.text(ctx.t('admin-button-recheck', { id: g.id.slice(0, 8) }), data).row();
  }
  return keyboard
    .text(ctx.t('admin-button-totals'), ADMIN_ACTION.totals)
    .text(ctx.t('admin-button-in-flight'), ADMIN_ACTION.inFlight)
    .text(ctx.t('admin-button-failed'), ADMIN_ACTION.failed);
}
