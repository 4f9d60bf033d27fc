import type { I18n } from '@grammyjs/i18n';
import { type Api, GrammyError, InputFile } from 'grammy';
import { classifyError } from '../../../errors/classify-error.ts';
import type { Logger } from '../../../logger.ts';
import type { BillingService } from '../../../services/billing/billing.service.ts';
import type { ProtocolJob, ProtocolNotifier } from '../../../services/protocols/index.ts';
import { LOG_JOB_ID } from '../../../telemetry/attributes.ts';
import type { BotContext } from '../../context.ts';
import { formatErrorRef } from '../../format-error-ref.ts';
import { renderProtocolHtml, renderProtocolMarkdown, type Translate } from './render-protocol.ts';
import { splitHtml } from './split-html.ts';

/** More parts than this and the protocol goes out as a .md document instead of a wall of messages. */
export const PROTOCOL_MAX_MESSAGES = 3;

/**
 * A part slower than this shows its elapsed time and a typing action: a part usually takes a few
 * seconds, and past ten a user with a silent status message starts to wonder whether anything runs.
 */
export const SLOW_PART_MS = 10_000;
/** Telegram shows a chat action for 5 s: renewing it a little sooner keeps it on screen without gaps. */
const TYPING_EVERY_MS = 4500;
/** Edits of a slow part's elapsed time: often enough to see it move, far inside Telegram's edit limits. */
const SLOW_EDIT_EVERY_MS = 5000;
/** How often a watched job is looked at. @default 500 ms */
const TICK_MS = 500;

export interface TelegramProtocolNotifierDeps {
  /** Getters: the bot is built after the services that use this notifier. */
  readonly api: () => Api;
  readonly i18n: () => I18n<BotContext>;
  /** Read when a refund is shown, so the message says the balance it left. */
  readonly billing: Pick<BillingService, 'balance'>;
  readonly logger: Logger;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default SLOW_PART_MS */
  readonly slowPartMs?: number;
  /** @default 500 */
  readonly tickMs?: number;
}

/** A job whose segments are being read: since when nothing moved, and what was last shown. */
interface Watch {
  readonly job: ProtocolJob;
  readonly done: number;
  readonly total: number;
  readonly since: number;
  lastEdit: number;
  lastTyping: number;
  busy: boolean;
  readonly timer: NodeJS.Timeout;
}

const notModified = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && /not modified/i.test(error.description);

/**
 * The protocol flow's messages: one status message edited as segments finish and with the outcome,
 * the protocol itself as HTML messages split at Telegram's limit (or a document when long), all in
 * the language the user asked in.
 */
export function createTelegramProtocolNotifier(deps: TelegramProtocolNotifierDeps): ProtocolNotifier {
  const clock = deps.now ?? Date.now;
  const slowPartMs = deps.slowPartMs ?? SLOW_PART_MS;
  // The job's language was decided by languageOf when the user asked (the one rule), and stored.
  const translate =
    (job: ProtocolJob): Translate =>
    (key, args) =>
      deps.i18n().t(job.language, key, args);
  const watches = new Map<string, Watch>();

  /** Edits the status message; "not modified" is fine, anything else is the caller's to handle. */
  const edit = async (job: ProtocolJob, text: string): Promise<void> => {
    if (job.statusMessageId === undefined) throw new Error('the job has no status message');
    try {
      await deps.api().editMessageText(job.chatId, job.statusMessageId, text, { parse_mode: 'HTML' });
    } catch (error) {
      if (!notModified(error)) throw error;
    }
  };

  const unwatch = (job: ProtocolJob) => {
    const watch = watches.get(job.id);
    if (watch) clearInterval(watch.timer);
    watches.delete(job.id);
  };

  /** Once nothing moved for slowPartMs: the part's elapsed time in the status message, and typing. */
  const tick = async (watch: Watch): Promise<void> => {
    const now = clock();
    if (watch.busy || now - watch.since < slowPartMs) return;
    watch.busy = true;
    const { job } = watch;
    try {
      if (now - watch.lastTyping >= TYPING_EVERY_MS) {
        watch.lastTyping = now;
        await deps.api().sendChatAction(job.chatId, 'typing');
      }
      if (now - watch.lastEdit >= SLOW_EDIT_EVERY_MS) {
        watch.lastEdit = now;
        const part = Math.min(watch.done + 1, watch.total);
        const seconds = Math.floor((now - watch.since) / 1000);
        await edit(job, translate(job)('protocol-progress-slow', { part, total: watch.total, seconds }));
      }
    } catch (error) {
      // Cosmetic, like the progress itself: the next tick tries again.
      deps.logger.debug('Could not show a slow protocol part', { err: error, [LOG_JOB_ID]: job.id });
    } finally {
      watch.busy = false;
    }
  };

  const watch = (job: ProtocolJob, done: number, total: number) => {
    unwatch(job);
    if (done >= total) return;
    const timer = setInterval(() => {
      const current = watches.get(job.id);
      if (current) void tick(current);
    }, deps.tickMs ?? TICK_MS);
    // A watch never keeps the process alive: the runner's own timers decide that.
    timer.unref();
    watches.set(job.id, { job, done, total, since: clock(), lastEdit: 0, lastTyping: 0, busy: false, timer });
  };

  return {
    running(job, { done, total }) {
      watch(job, done, total);
    },

    idle(job) {
      unwatch(job);
    },

    async progress(job, { done, total }) {
      // A part finished: the next one's time starts now.
      watch(job, done, total);
      await edit(job, translate(job)('protocol-progress', { done, total }));
    },

    async synthesizing(job) {
      unwatch(job);
      await edit(job, translate(job)('protocol-synthesizing', { total: job.segmentCount }));
    },

    async deliver(job, protocol) {
      unwatch(job);
      const t = translate(job);
      const parts = splitHtml(renderProtocolHtml(protocol, t));
      if (parts.length > PROTOCOL_MAX_MESSAGES) {
        const date = new Date().toISOString().slice(0, 10);
        await deps
          .api()
          .sendDocument(
            job.chatId,
            new InputFile(Buffer.from(renderProtocolMarkdown(protocol, t), 'utf8'), `protocol-${date}.md`),
            { caption: t('protocol-document-caption', { segments: job.segmentCount }) },
          );
      } else {
        for (const part of parts) await deps.api().sendMessage(job.chatId, part, { parse_mode: 'HTML' });
      }
      // Cosmetic: the protocol is out, so a failure here must not refund it.
      await edit(job, t('protocol-done', { segments: job.segmentCount, price: job.price })).catch(
        (error: unknown) => deps.logger.warn('Could not update the protocol status message', { err: error }),
      );
    },

    async refunded(job, notice) {
      unwatch(job);
      const t = translate(job);
      // The stored notice predates this wording: the LLM account's 402 gets its own plain words.
      const key =
        job.failCode === 'llm.insufficient_credits' ? 'protocol-error-service-credits' : notice.messageKey;
      const balance = await deps.billing.balance(job.userId);
      const text = [
        t(key, notice.messageArgs),
        t('protocol-refunded', { price: job.price, balance }),
        '',
        t('error-reference', { ref: formatErrorRef(notice.errorRef) }),
      ].join('\n');
      try {
        await edit(job, text);
      } catch {
        // The status message is gone (deleted, too old): say it in a new one.
        try {
          await deps.api().sendMessage(job.chatId, text, { parse_mode: 'HTML' });
        } catch (error) {
          // Rejects only when Telegram may take it later; a user who blocked the bot is let go.
          if (classifyError(error).retryable) throw error;
          deps.logger.warn('The user cannot be told a protocol failed', { err: error, [LOG_JOB_ID]: job.id });
        }
      }
    },
  };
}
