import { Composer } from 'grammy';
import type { LedgerEntry } from '../../../services/billing/ledger-entry.ts';
import { languageOfUser } from '../../../services/user-language.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { ADMIN_ACTION, adminKeyboard } from './admin-keyboard.ts';
import { isAdmin } from './is-admin.ts';
import { type AdminCommand, parseAdminCommand } from './parse-admin-command.ts';
import {
  renderAdjusted,
  renderGenerationList,
  renderRecheck,
  renderRefunded,
  renderTotals,
  renderUserReport,
} from './render-admin.ts';

const composer = new Composer<BotContext>();
// Private chats of ADMIN_IDS only. Everyone else falls through to `unhandled`, so a non-admin's
// /admin gets exactly the unknown-command reply and an admin button they got hold of is "expired".
const admins = composer.chatType('private').filter(isAdmin);

const html = { parse_mode: 'HTML' } as const;

/** Runs one parsed command and replies; `messageRef` identifies the admin's message (`<chat>:<message>`). */
async function run(
  ctx: BotContext,
  adminId: number,
  command: AdminCommand,
  messageRef: string,
): Promise<void> {
  const admin = ctx.deps.admin;
  switch (command.kind) {
    case 'totals':
      await ctx.reply(renderTotals(ctx, await admin.totals(adminId)), {
        ...html,
        reply_markup: adminKeyboard(ctx),
      });
      return;
    case 'help':
      // Plain text: the usage shows <placeholders>.
      await ctx.reply(ctx.t('admin-usage'));
      return;
    case 'user': {
      const report = await admin.lookupUser(adminId, command.userId);
      await ctx.reply(
        report
          ? renderUserReport(ctx, report)
          : ctx.t('admin-user-not-found', { id: String(command.userId) }),
        html,
      );
      return;
    }
    case 'adjust': {
      // Derived from the admin's message, so the same message handled twice adjusts once.
      const idempotencyKey = `admin-adjust:${ctx.me.id}:${messageRef}`;
      const result = await admin.adjust({
        adminId,
        userId: command.userId,
        amount: command.amount,
        reason: command.reason,
        idempotencyKey,
      });
      await ctx.reply(renderAdjusted(ctx, result), html);
      if (!result.replayed) await tellAdjusted(ctx, result.entry);
      return;
    }
    case 'recheck':
      await recheck(ctx, adminId, command.ref);
      return;
    case 'refund':
      await ctx.reply(renderRefunded(ctx, await admin.refundStars(adminId, command.chargeId)), html);
      return;
  }
}

/**
 * Tells the user about an admin's change to their balance, in their language, with the reason and
 * the new balance. A user who blocked the bot cannot be told; the adjustment stands either way.
 */
async function tellAdjusted(ctx: BotContext, entry: LedgerEntry): Promise<void> {
  const lang = await languageOfUser(ctx.deps.users, entry.userId, ctx.deps.config.defaultLanguage);
  const t = (key: string, args: Record<string, string | number>) =>
    ctx.i18n.fluent.translate(lang, key, args);
  const args = { credits: Math.abs(entry.amount), reason: entry.reason ?? '', balance: entry.balanceAfter };
  // Plain text: the reason is the admin's own words, shown as typed.
  const text =
    entry.amount > 0 ? t('admin-adjust-notice-added', args) : t('admin-adjust-notice-removed', args);
  try {
    await ctx.api.sendMessage(entry.userId, text);
  } catch (error) {
    ctx.deps.logger.warn('Could not tell a user about an admin adjustment', {
      user_id: entry.userId,
      entry_id: entry.id,
      err: error,
    });
  }
}

async function recheck(ctx: BotContext, adminId: number, ref: string): Promise<void> {
  const report = await ctx.deps.admin.recheck(adminId, ref);
  await ctx.reply(
    report ? renderRecheck(ctx, report) : ctx.t('admin-recheck-not-found', { ref: escapeHtml(ref) }),
    html,
  );
}

admins.command('admin', handledBy('admin'), async (ctx) => {
  await run(ctx, ctx.from.id, parseAdminCommand(ctx.match), `${ctx.chat.id}:${ctx.msg.message_id}`);
});

admins.callbackQuery(ADMIN_ACTION.totals, handledBy('admin'), async (ctx) => {
  await ctx.answerCallbackQuery();
  const totals = await ctx.deps.admin.totals(ctx.from.id);
  await ctx.editMessageText(renderTotals(ctx, totals), { ...html, reply_markup: adminKeyboard(ctx) });
});

admins.callbackQuery([ADMIN_ACTION.inFlight, ADMIN_ACTION.failed], handledBy('admin'), async (ctx) => {
  await ctx.answerCallbackQuery();
  const kind = ctx.callbackQuery.data === ADMIN_ACTION.inFlight ? 'in_flight' : 'failed';
  const list = await ctx.deps.admin.list(ctx.from.id, kind);
  await ctx.editMessageText(renderGenerationList(ctx, kind, list), {
    ...html,
    reply_markup: adminKeyboard(ctx, kind === 'in_flight' ? list : []),
  });
});

admins.callbackQuery(new RegExp(`^${ADMIN_ACTION.recheck}:(.+)$`), handledBy('admin'), async (ctx) => {
  await ctx.answerCallbackQuery();
  await recheck(ctx, ctx.from.id, ctx.match[1] as string);
});

/** /admin for ADMIN_IDS: totals, user lookup, ledgered adjustments, task re-checks, Stars refunds. */
export const adminFeature = composer;
