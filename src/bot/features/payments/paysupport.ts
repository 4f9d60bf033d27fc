import { Composer } from 'grammy';
import { cutText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { languageOf } from '../../i18n.ts';
import { handledBy } from '../../middlewares/handled-by.ts';

const composer = new Composer<BotContext>();

/** How many of the user's Stars payments /paysupport lists, with the ids support needs. */
const PAYMENTS_SHOWN = 3;
/** A user's message forwarded to admins is cut here (whole characters), well inside one message. */
const MESSAGE_MAX = 1500;

/**
 * /paysupport, which Telegram requires of bots that sell for Stars: how to get help and refunds, the
 * user's latest payment ids, and `/paysupport <text>` passes the text on to the admins (ADMIN_IDS).
 */
composer.command('paysupport', handledBy('paysupport'), async (ctx) => {
  const question = ctx.match.trim();
  const admins = ctx.deps.config.adminIds;
  if (question !== '' && ctx.from && admins.length > 0) {
    const text = ctx.t('paysupport-forwarded-admin', {
      id: String(ctx.from.id),
      text: escapeHtml(cutText(question, MESSAGE_MAX)),
    });
    let delivered = 0;
    for (const adminId of admins) {
      try {
        await ctx.api.sendMessage(adminId, text, { parse_mode: 'HTML' });
        delivered++;
      } catch (error) {
        ctx.deps.logger.warn('Could not pass a /paysupport message to an admin', {
          admin_id: adminId,
          err: error,
        });
      }
    }
    await ctx.reply(ctx.t(delivered > 0 ? 'paysupport-forwarded' : 'paysupport-not-forwarded'));
    return;
  }
  const history = ctx.from ? await ctx.deps.billing.history(ctx.from.id, { limit: 50 }) : [];
  const payments = history
    .filter(
      (e) =>
        e.operation === 'topup' &&
        e.reference &&
        e.idempotencyKey === ctx.deps.payments.chargeKey(e.reference),
    )
    .slice(0, PAYMENTS_SHOWN);
  const date = new Intl.DateTimeFormat(languageOf(ctx, ctx.deps.config.defaultLanguage), {
    dateStyle: 'short',
    timeZone: 'UTC',
  });
  const contact = ctx.deps.config.stars.supportContact;
  const lines = [
    ctx.t('paysupport-text'),
    '',
    contact
      ? ctx.t('paysupport-contact', { contact: escapeHtml(contact) })
      : ctx.t(admins.length > 0 ? 'paysupport-write-here' : 'paysupport-no-contact'),
    '',
    payments.length ? ctx.t('paysupport-payments-title') : ctx.t('paysupport-no-payments'),
    ...payments.map((e) =>
      ctx.t('paysupport-payment-line', {
        date: date.format(e.createdAt),
        credits: e.amount,
        id: `<code>${escapeHtml(e.reference ?? '')}</code>`,
      }),
    ),
  ];
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML' });
});

/** /paysupport: help with payments and refunds (Telegram's terms for Stars sellers). */
export const paysupportFeature = composer;
