import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../shared/send-json.ts';
import { bearerToken } from './bearer-token.ts';
import { errorResponse } from './error-bodies.ts';
import type { LlmFakeContext } from './internal-types.ts';

/** Paths of the key-info route (OpenRouter's `GET /key`, which reports the credits used). */
export const KEY_PATHS: ReadonlySet<string> = new Set(['/api/v1/key', '/v1/key']);

/** Answers `GET …/key` with OpenRouter's key info; `usage` is what successful calls have cost so far. */
export function handleKey(ctx: LlmFakeContext, req: IncomingMessage, res: ServerResponse): void {
  if (bearerToken(req) !== ctx.apiKey) {
    const err = errorResponse(401, { model: '', provider: ctx.provider, lastUserText: '' });
    sendJson(res, err.status, err.body);
    return;
  }
  const usage = ctx.usage;
  sendJson(res, 200, {
    data: {
      label: 'fake',
      limit: null,
      limit_reset: null,
      limit_remaining: null,
      include_byok_in_limit: false,
      usage,
      usage_daily: usage,
      usage_weekly: usage,
      usage_monthly: usage,
      byok_usage: 0,
      byok_usage_daily: 0,
      byok_usage_weekly: 0,
      byok_usage_monthly: 0,
      is_free_tier: false,
      is_management_key: false,
      is_provisioning_key: false,
      expires_at: null,
      creator_user_id: null,
      rate_limit: { requests: -1, interval: '10s' },
    },
  });
}
