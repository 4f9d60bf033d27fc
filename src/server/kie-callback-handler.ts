import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { type KieCallbackInfo, parseKieCallback, verifyKieCallback } from '../clients/kie/index.ts';
import type { Logger } from '../logger.ts';
import type { KieCallbackOutcome } from '../services/generations/index.ts';
import {
  ATTR_KIE_CALLBACK_OUTCOME,
  ATTR_KIE_CREDITS_CONSUMED,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  SPAN_KIE_TASK_CALLBACK,
} from '../telemetry/attributes.ts';
import { withSpan } from '../telemetry/tracing.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

/** Path KIE calls back on: PUBLIC_URL + this. */
export const KIE_CALLBACK_PATH = '/kie/callback';
const MAX_CALLBACK_BYTES = 1024 * 1024;
/** The query parameter our callBackUrl carries the generation id in; ids are UUIDs. */
const GENERATION_PARAM = 'generation';
const GENERATION_ID = /^[0-9a-f-]{36}$/i;

export interface KieCallbackHandlerOptions {
  /** KIE_CALLBACK_HMAC_KEY; without it callbacks are accepted unsigned (they only wake a poll). */
  readonly hmacKey: string | undefined;
  /**
   * Acts on a verified callback: wakes the running generation that has the task, or adopts the task
   * for `generationId` (from the URL) when that generation's create outcome was unknown.
   */
  readonly onCallback: (
    info: KieCallbackInfo,
    generationId: string | undefined,
  ) => Promise<KieCallbackOutcome>;
  readonly logger: Logger;
}

/**
 * KIE's callbacks (kie-api.md §5). A callback is only a hint: it makes the task's next poll happen now
 * (or gives a create of unknown outcome its task id), and recordInfo decides delivery or refund, so a
 * forged, replayed or duplicate callback can never pay out or refund anything. Answers 200 at once;
 * KIE re-sends on anything else (a database error here answers 500, so it comes again).
 */
export function createKieCallbackHandler(options: KieCallbackHandlerOptions) {
  const { hmacKey, onCallback, logger } = options;
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  return (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    withSpan(SPAN_KIE_TASK_CALLBACK, { kind: SpanKind.SERVER }, async (span) => {
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_CALLBACK_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return reply(res, 413, { code: 413, msg: 'body too large' });
        throw error;
      }
      const verdict = verifyKieCallback({ rawBody: raw, headers: req.headers, hmacKey });
      if (!verdict.ok) {
        span.setAttribute('kie.callback.rejected', verdict.reason);
        logger.warn('Refused a KIE callback', { reason: verdict.reason });
        return reply(res, 401, { code: 401, msg: 'invalid signature' });
      }
      span.setAttribute('kie.callback.verified', verdict.verified);
      const info = parseKieCallback(raw.toString('utf8'));
      if (!info) return reply(res, 400, { code: 400, msg: 'not a KIE callback' });
      span.setAttributes({
        [ATTR_KIE_TASK_ID]: info.taskId,
        [ATTR_KIE_TASK_STATE]: info.state,
        ...(info.consumeCredits !== undefined && { [ATTR_KIE_CREDITS_CONSUMED]: info.consumeCredits }),
      });
      const param = new URL(req.url ?? '/', 'http://callback.local').searchParams.get(GENERATION_PARAM);
      const generationId = param !== null && GENERATION_ID.test(param) ? param : undefined;
      const outcome = await onCallback(info, generationId);
      const matched = outcome === 'woken' || outcome === 'adopted';
      span.setAttributes({ 'kie.callback.matched': matched, [ATTR_KIE_CALLBACK_OUTCOME]: outcome });
      logger.info('KIE callback', { task_id: info.taskId, state: info.state, matched, outcome });
      return reply(res, 200, { code: 200, msg: 'success' });
    });
}
