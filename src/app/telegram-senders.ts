import { continueKeyboard } from '../bot/features/payments/top-up-keyboard.ts';
import { formatErrorRef } from '../bot/format-error-ref.ts';
import { ADMIN_ALERT_KEY } from '../bot/message-keys.ts';
import type { TelegramEdge } from '../bot/telegram-edge.ts';
import type { Config } from '../config.ts';
import type { AdminAlert } from '../services/admin/admin-alerts.ts';
import type { ReconciledPayment } from '../services/payments/stars/stars-reconciler.ts';
import type { UserService } from '../services/user.service.ts';
import { languageOfUser } from '../services/user-language.ts';

export interface TelegramSendersDeps extends TelegramEdge {
  readonly users: UserService;
  readonly config: Pick<Config, 'defaultLanguage'>;
}

/** Messages services send outside any update, rendered with the edge's i18n in the reader's language. */
export interface TelegramSenders {
  /** One operator alert to one admin (AdminAlertsDeps.send). */
  readonly sendAdminAlert: (adminId: number, alert: AdminAlert) => Promise<void>;
  /** Tells a user the reconciliation credited a payment Telegram had not told us about. */
  readonly sendReconciled: (payment: ReconciledPayment) => Promise<void>;
  /** Telegram's refundStarPayment, for `/admin refund`. */
  readonly refundStarPayment: (userId: number, chargeId: string) => Promise<unknown>;
}

export function createTelegramSenders(deps: TelegramSendersDeps): TelegramSenders {
  const { bot, i18n, users, config } = deps;
  return {
    // Admins read alerts in their own language when they have used the bot, else the default.
    sendAdminAlert: async (adminId, alert) => {
      const lang = await languageOfUser(users, adminId, config.defaultLanguage);
      const ref = alert.errorRef
        ? `\n${i18n.t(lang, 'error-reference', { ref: formatErrorRef(alert.errorRef, 'plain') })}`
        : '';
      const detail = alert.detail ? `\n${alert.detail}` : '';
      await bot.api.sendMessage(
        adminId,
        `${i18n.t(lang, ADMIN_ALERT_KEY[alert.incident] ?? 'admin-alert-other', { incident: alert.incident })}${detail}${ref}`,
      );
    },
    sendReconciled: async (payment) => {
      const lang = await languageOfUser(users, payment.userId, config.defaultLanguage);
      await bot.api.sendMessage(
        payment.userId,
        i18n.t(lang, 'payment-reconciled', {
          stars: payment.stars,
          credits: payment.credits,
          balance: payment.balanceAfter,
        }),
        // Bought from a confirmation or quote (the payload says): Continue goes back to it.
        payment.target && { reply_markup: continueKeyboard((key) => i18n.t(lang, key), payment.target) },
      );
    },
    refundStarPayment: (userId, chargeId) => bot.api.refundStarPayment(userId, chargeId),
  };
}
