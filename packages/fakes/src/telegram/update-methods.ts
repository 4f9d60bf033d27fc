import { type ApiError, badRequest, pollConflict, webhookConflict } from './api-error.ts';
import { DescribedResult, type MethodContext } from './method-context.ts';

/** getUpdates: real long polling. A newer call terminates a pending one with 409, as Telegram does. */
export async function getUpdates(ctx: MethodContext): Promise<unknown> {
  const { bot, params } = ctx;
  if (bot.webhook) throw webhookConflict();
  const requested = params.int('limit') ?? 0;
  const limit = requested > 0 ? Math.min(100, requested) : 100; // Telegram treats 0 as the default
  const timeoutSeconds = Math.max(0, params.int('timeout') ?? 0);
  bot.queue.setAllowedUpdates(params.json<string[]>('allowed_updates', 'allowed updates'));
  bot.queue.confirm(params.int('offset') ?? 0);
  bot.poll?.terminate(pollConflict());
  const ready = bot.queue.take(limit);
  if (ready.length > 0 || timeoutSeconds === 0) return ready;

  const controller = new AbortController();
  let terminatedBy: ApiError | undefined;
  const poll = {
    terminate(error: ApiError): void {
      terminatedBy = error;
      controller.abort();
    },
  };
  bot.poll = poll;
  const signal = AbortSignal.any([
    controller.signal,
    ctx.signal,
    ctx.core.stopSignal,
    AbortSignal.timeout(timeoutSeconds * 1000),
  ]);
  try {
    while (!signal.aborted) {
      await bot.queue.waitForChange(signal);
      const updates = bot.queue.take(limit);
      if (updates.length > 0) return updates;
    }
  } finally {
    if (bot.poll === poll) bot.poll = undefined;
  }
  if (terminatedBy) throw terminatedBy;
  return [];
}

/** setWebhook. Unlike Telegram, plain http URLs and any port are accepted, for local webhooks. */
export function setWebhook(ctx: MethodContext): unknown {
  const { bot, params, core } = ctx;
  const url = params.string('url') ?? '';
  if (url === '') return deleteWebhook(ctx);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  const secretToken = params.string('secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  bot.queue.setAllowedUpdates(params.json<string[]>('allowed_updates', 'allowed updates'));
  if (params.bool('drop_pending_updates')) bot.queue.clear();
  const unchanged = bot.webhook?.url === url && bot.webhook.secretToken === secretToken;
  bot.webhook = {
    url,
    maxConnections: Math.min(100, Math.max(1, params.int('max_connections') ?? 40)),
    ...(secretToken ? { secretToken } : {}),
  };
  bot.poll?.terminate(webhookConflict());
  core.webhookChanged(bot);
  return new DescribedResult(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
}

/** deleteWebhook */
export function deleteWebhook(ctx: MethodContext): unknown {
  const { bot, params, core } = ctx;
  if (params.bool('drop_pending_updates')) bot.queue.clear();
  const had = bot.webhook !== undefined;
  bot.webhook = undefined;
  core.webhookChanged(bot);
  return new DescribedResult(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

/** getWebhookInfo */
export function getWebhookInfo(ctx: MethodContext): unknown {
  const { bot } = ctx;
  const hook = bot.webhook;
  const allowed = bot.queue.allowedUpdates;
  return {
    url: hook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: bot.queue.size,
    ...(hook
      ? {
          ip_address: '127.0.0.1',
          max_connections: hook.maxConnections,
          ...(hook.lastErrorDate ? { last_error_date: hook.lastErrorDate } : {}),
          ...(hook.lastErrorMessage ? { last_error_message: hook.lastErrorMessage } : {}),
          ...(allowed ? { allowed_updates: allowed } : {}),
        }
      : {}),
  };
}
