import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Bot, BotError, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from '../bot/context.ts';
import type { ErrorHandler } from '../bot/handlers/error.ts';
import type { UpdateOutcomes } from '../bot/update-outcomes.ts';
import { classifyError, isInfrastructureFailure } from '../errors/classify-error.ts';
import type { Logger } from '../logger.ts';
import { MalformedUpdateError, parseUpdate } from './parse-update.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

const MAX_BODY_BYTES = 1024 * 1024;
/** Telegram gives a webhook about 10 s; we answer before that and let slow handlers finish. */
const WEBHOOK_TIMEOUT_MS = 8_000;

export interface WebhookHandlerOptions {
  readonly bot: Bot<BotContext>;
  readonly secret: string;
  readonly handleError: ErrorHandler;
  readonly logger: Logger;
  /** Which updates failed on an infrastructure error and are to be redelivered (answered 503). */
  readonly outcomes?: UpdateOutcomes;
}

/**
 * Handles Telegram's webhook POSTs through grammY's webhookCallback, which checks
 * X-Telegram-Bot-Api-Secret-Token in constant time (401 when missing or wrong) before the body is
 * used. A body that is not an update gets 400. Handler errors go to the one error handler. An
 * update that failed on an infrastructure error is answered 503, so Telegram delivers it again.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const { bot, secret, handleError, logger, outcomes } = options;
  const callback = webhookCallback(
    bot,
    (req: IncomingMessage, res: ServerResponse, update: Promise<Update>) => ({
      update,
      header: headerValue(req.headers['x-telegram-bot-api-secret-token']),
      // Called when the handler finished, or at the timeout (the update then counts as delivered
      // and a later infrastructure failure is left to the retry sweep).
      end: () => {
        if (res.headersSent) return;
        const parsed = parsedUpdates.get(req);
        if (parsed && outcomes?.of(parsed) === 'retry') {
          // Telegram redelivers a non-2xx answer; the inbox lets that delivery claim it again.
          res.writeHead(503, { 'content-type': 'text/plain' }).end('retry later');
        } else {
          res.writeHead(200).end();
        }
      },
      respond: (json: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(json),
      unauthorized: () => res.writeHead(401, { 'content-type': 'text/plain' }).end('secret token is wrong'),
    }),
    { secretToken: secret, timeoutMilliseconds: WEBHOOK_TIMEOUT_MS, onTimeout: 'return' },
  );

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let update: Promise<Update>;
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      update = Promise.resolve().then(() => {
        const parsed = parseUpdate(body);
        parsedUpdates.set(req, parsed);
        return parsed;
      });
    } catch (error) {
      update = Promise.reject(error);
    }
    // grammY awaits the update only after the secret check; until then the rejection is not unhandled.
    update.catch(() => {});
    try {
      await callback(req, res, update);
      if (!res.headersSent) res.writeHead(200).end();
    } catch (error) {
      if (error instanceof MalformedUpdateError || error instanceof BodyTooLargeError) {
        logger.warn('Webhook body rejected', { reason: error.message });
        const status = error instanceof BodyTooLargeError ? 413 : 400;
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' }).end(error.message);
        return;
      }
      if (error instanceof BotError && isInfrastructureFailure(error)) {
        // Before anything was claimed (the claim itself failed: the database is down): nothing is
        // lost if Telegram delivers it again, and the user hears from that delivery.
        logger.warn(`Update not taken, Telegram will redeliver: ${classifyError(error).code}`, {
          err: error.error,
        });
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' }).end('retry later');
        return;
      }
      if (error instanceof BotError) await handleError(error as BotError<BotContext>);
      else logger.error('Webhook handling failed', { err: error });
      // Anything else was told to the user and is done: a redelivery would be skipped anyway.
      if (!res.headersSent) res.writeHead(200).end();
    }
  };
}

/** The update each request carried, once parsed, for `end` to look up its outcome. */
const parsedUpdates = new WeakMap<IncomingMessage, Update>();

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
