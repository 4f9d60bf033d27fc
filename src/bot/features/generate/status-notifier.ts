import type { I18n } from '@grammyjs/i18n';
import { type Api, GrammyError, type InlineKeyboard } from 'grammy';
import type { Catalog } from '../../../catalog/index.ts';
import { findModel } from '../../../catalog/index.ts';
import { classifyError } from '../../../errors/classify-error.ts';
import type { Logger } from '../../../logger.ts';
import type { AdminAlerts } from '../../../services/admin/admin-alerts.ts';
import type { BillingService } from '../../../services/billing/billing.service.ts';
import type { Generation, GenerationProgress } from '../../../services/generations/index.ts';
import { generationRef, REFUNDED_STATUSES } from '../../../services/generations/index.ts';
import type { Language, UserService } from '../../../services/user.service.ts';
import { languageOfUser } from '../../../services/user-language.ts';
import type { BotContext } from '../../context.ts';
import { formatErrorRef } from '../../format-error-ref.ts';
import { afterGenerationKeyboard, queuedGenerationKeyboard } from './after-generation-keyboard.ts';
import { failureReasonKey } from './failure-reason.ts';
import { formatElapsed } from './format-elapsed.ts';

/** Chat action shown while a model of each kind works (it lasts 5 s on the user's screen). */
const CHAT_ACTION = { image: 'upload_photo', video: 'upload_video', music: 'upload_voice' } as const;
const CHAT_ACTION_EVERY_MS = 4500;

export interface StatusNotifierDeps {
  readonly api: Api;
  readonly i18n: I18n<BotContext>;
  readonly catalog: Catalog;
  readonly users: UserService;
  /** Read when a refund is shown, so the message says the balance it left. */
  readonly billing: Pick<BillingService, 'balance'>;
  readonly alerts: AdminAlerts;
  readonly logger: Logger;
  readonly defaultLanguage: Language;
  /** Least time between two edits of one chat's status message; final states are never held back. */
  readonly intervalMs: number;
  readonly now?: () => number;
}

/** What a status message shows: its text, and the buttons under it (none once it moved on). */
interface Shown {
  readonly text: string;
  readonly markup?: InlineKeyboard;
}

/** The status message's part of the GenerationNotifier port (see JobNotifier for the contract). */
export interface StatusNotifier {
  /** Queued → generating → sending → done, throttled per chat; never throws. */
  progress(g: Generation, progress: GenerationProgress): Promise<void>;
  /**
   * Why it failed, the refund and the error reference. Rejects only when Telegram may take the
   * message later (network, 429, 5xx); a user who blocked the bot is logged and let go.
   */
  refunded(g: Generation): Promise<void>;
}

/**
 * Keeps each generation's one status message in step with the task: queued (with the queue
 * position) → generating (elapsed time, chat action) → done, or why it failed, the refund and the
 * error reference. Telegram allows about one edit per second per chat; we allow far fewer.
 */
export function createStatusNotifier(deps: StatusNotifierDeps): StatusNotifier {
  const { api, i18n, catalog, users, billing, alerts, logger } = deps;
  const languageOf = (userId: number) => languageOfUser(users, userId, deps.defaultLanguage);
  const clock = deps.now ?? Date.now;
  const lastEdit = new Map<number, number>();
  const lastAction = new Map<number, number>();
  // What each status message shows now: an identical edit would only earn a 400 "not modified".
  const shown = new Map<string, string>();

  const render = async (
    g: Generation,
    lang: Language,
    progress: GenerationProgress,
  ): Promise<Shown | undefined> => {
    const model = findModel(catalog, g.modelId)?.title[lang] ?? g.modelId;
    const elapsed = formatElapsed(clock() - g.createdAt.getTime());
    const t = (key: string, args: Record<string, string | number> = {}) =>
      i18n.t(lang, key, { model, ...args });
    const dry = g.dryRun ? `${t('gen-dry-run-note')}\n` : '';
    // Not yet at KIE: a Cancel button refunds it (the handler checks it is still pending).
    const cancel = () => queuedGenerationKeyboard(t, g.id);
    if (progress.type === 'queued') {
      return { text: `${dry}${t('gen-status-queue', { position: progress.position })}`, markup: cancel() };
    }
    switch (g.status) {
      case 'pending':
        return { text: `${dry}${t('gen-status-queued')}`, markup: cancel() };
      case 'creating':
        return { text: `${dry}${t('gen-status-queued')}` };
      // A create of unknown outcome may well be generating at KIE: to the user it is.
      case 'unknown':
      case 'running':
        return { text: `${dry}${t('gen-status-running', { elapsed })}` };
      case 'succeeded':
        return { text: `${dry}${t('gen-status-sending', { elapsed })}` };
      case 'delivered':
        return {
          text: `${dry}${t('gen-status-delivered', { elapsed, price: g.dryRun ? 0 : g.price })}`,
          markup: afterGenerationKeyboard(t, g.id),
        };
      default: {
        if (!REFUNDED_STATUSES.includes(g.status)) return undefined;
        // Read now, so the message shows the balance with this refund in it.
        const refund = g.dryRun
          ? t('gen-refund-dry-run')
          : t('gen-refunded', { price: g.price, balance: await billing.balance(g.userId) });
        if (g.status === 'cancelled') return { text: `${dry}${t('gen-status-cancelled')}\n${refund}` };
        const head = t('gen-status-failed', { reason: t(failureReasonKey(g)) });
        const ref = t('error-reference', { ref: formatErrorRef(generationRef(g)) });
        return { text: `${dry}${head}\n${refund}\n\n${ref}`, markup: afterGenerationKeyboard(t, g.id) };
      }
    }
  };

  /** Edits the status message; a final state that cannot be edited in is sent as a new message. */
  const show = async (g: Generation, shown: Shown, final: boolean): Promise<void> => {
    // Leaving out reply_markup removes the buttons, as the message moves past the queue.
    const other = { parse_mode: 'HTML' as const, ...(shown.markup && { reply_markup: shown.markup }) };
    try {
      if (g.statusMessageId === undefined) throw new Error('no status message');
      await api.editMessageText(g.chatId, g.statusMessageId, shown.text, other);
    } catch (error) {
      if (error instanceof GrammyError && /message is not modified/.test(error.description)) return;
      if (final) await api.sendMessage(g.chatId, shown.text, other);
      else throw error;
    }
  };

  /** Identical text and buttons would only earn a 400 "not modified". */
  const fingerprint = (shown: Shown) => `${shown.text}\u0000${JSON.stringify(shown.markup ?? null)}`;

  const forget = (g: Generation) => {
    lastEdit.delete(g.chatId);
    lastAction.delete(g.chatId);
    shown.delete(g.id);
  };

  return {
    async progress(g, progress) {
      const final = g.status === 'delivered' || REFUNDED_STATUSES.includes(g.status);
      const now = clock();
      try {
        if (!final && now - (lastEdit.get(g.chatId) ?? 0) < deps.intervalMs) {
          // Held back, but the user still sees the bot working.
          if (g.status === 'running' && now - (lastAction.get(g.chatId) ?? 0) >= CHAT_ACTION_EVERY_MS) {
            lastAction.set(g.chatId, now);
            const kind = findModel(catalog, g.modelId)?.kind ?? 'image';
            await api.sendChatAction(g.chatId, CHAT_ACTION[kind]);
          }
          return;
        }
        const view = await render(g, await languageOf(g.userId), progress);
        if (view === undefined || (!final && shown.get(g.id) === fingerprint(view))) return;
        lastEdit.set(g.chatId, now);
        shown.set(g.id, fingerprint(view));
        await show(g, view, final);
        if (final) forget(g);
      } catch (error) {
        // A status message is a courtesy: its failure never touches the generation or the money.
        logger.warn('Could not update a generation status message', {
          err: error,
          generation_id: g.id,
          status: g.status,
        });
      }
    },

    async refunded(g) {
      if (g.failCode === 'kie.insufficient_credits') {
        // The operator's KIE account is empty: admins hear it once per incident, not once per user.
        await alerts.raise({ incident: 'kie.insufficient_credits', errorRef: generationRef(g) });
      }
      const view = await render(g, await languageOf(g.userId), { type: 'step' });
      if (view === undefined) return;
      try {
        await show(g, view, true);
        forget(g);
      } catch (error) {
        if (classifyError(error).retryable) throw error;
        forget(g);
        logger.warn('The user cannot be told how a generation ended', {
          err: error,
          generation_id: g.id,
          status: g.status,
        });
      }
    },
  };
}
