import type { I18n } from '@grammyjs/i18n';
import { type Api, GrammyError, InputFile } from 'grammy';
import { classifyError } from '../../errors/classify-error.ts';
import type { Logger } from '../../logger.ts';
import type { ProtocolJob, ProtocolNotifier } from '../../services/protocols/index.ts';
import { LOG_JOB_ID } from '../../telemetry/attributes.ts';
import type { BotContext } from '../context.ts';
import { renderProtocolHtml, renderProtocolMarkdown, type Translate } from './render-protocol.ts';
import { splitHtml } from './split-html.ts';

/** More parts than this and the protocol goes out as a .md document instead of a wall of messages. */
export const PROTOCOL_MAX_MESSAGES = 3;

export interface TelegramProtocolNotifierDeps {
  /** Getters: the bot is built after the services that use this notifier. */
  readonly api: () => Api;
  readonly i18n: () => I18n<BotContext>;
  readonly logger: Logger;
}

const notModified = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && /not modified/i.test(error.description);

/**
 * The protocol flow's messages: one status message edited as segments finish and with the outcome,
 * the protocol itself as HTML messages split at Telegram's limit (or a document when long), all in
 * the language the user asked in.
 */
export function createTelegramProtocolNotifier(deps: TelegramProtocolNotifierDeps): ProtocolNotifier {
  const translate =
    (job: ProtocolJob): Translate =>
    (key, args) =>
      deps.i18n().t(job.language, key, args);

  /** Edits the status message; "not modified" is fine, anything else is the caller's to handle. */
  const edit = async (job: ProtocolJob, text: string): Promise<void> => {
    if (job.statusMessageId === undefined) throw new Error('the job has no status message');
    try {
      await deps.api().editMessageText(job.chatId, job.statusMessageId, text, { parse_mode: 'HTML' });
    } catch (error) {
      if (!notModified(error)) throw error;
    }
  };

  return {
    async progress(job, done, total) {
      await edit(job, translate(job)('protocol-progress', { done, total }));
    },

    async synthesizing(job) {
      await edit(job, translate(job)('protocol-synthesizing', { total: job.segmentCount }));
    },

    async deliver(job, protocol) {
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

    async failed(job, notice) {
      const t = translate(job);
      const text = [
        t(notice.messageKey, notice.messageArgs),
        t('protocol-refunded', { price: job.price }),
        '',
        t('error-reference', { ref: notice.errorRef }),
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
