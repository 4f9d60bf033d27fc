import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { parseKieCallback, verifyKieCallback } from '../clients/kie/index.ts';
import type { Logger } from '../logger.ts';
import { ATTR_KIE_TASK_ID, ATTR_KIE_TASK_STATE, SPAN_KIE_TASK_CALLBACK } from '../telemetry/attributes.ts';
import { withSpan } from '../telemetry/tracing.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

/** Path KIE calls back on: PUBLIC_URL + this. */
export const KIE_CALLBACK_PATH = '/kie/callback';
const MAX_CALLBACK_BYTES = 1024 * 1024;

export interface KieCallbackHandlerOptions {
  /** KIE_CALLBACK_HMAC_KEY; without it callbacks are accepted unsigned (they only wake a poll). */
  readonly hmacKey: string | undefined;
  /** Makes the task's generation due now; false when no running generation has it. */
  readonly wake: (taskId: string) => Promise<boolean>;
  readonly logger: Logger;
}

/**
 * KIE's callbacks (kie-api.md §5). A callback is only a hint: it makes the task's next poll happen now,
 * and recordInfo decides delivery or refund, so a forged, replayed or duplicate callback can never pay
 * out or refund anything. Answers 200 at once; KIE re-sends on anything else.
 */
export function createKieCallbackHandler(options: KieCallbackHandlerOptions) {
  const { hmacKey, wake, logger } = options;
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
      span.setAttributes({ [ATTR_KIE_TASK_ID]: info.taskId, [ATTR_KIE_TASK_STATE]: info.state });
      const woken = await wake(info.taskId);
      span.setAttribute('kie.callback.matched', woken);
      logger.info('KIE callback', { task_id: info.taskId, state: info.state, matched: woken });
      return reply(res, 200, { code: 200, msg: 'success' });
    });
}
