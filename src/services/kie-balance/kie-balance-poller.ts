import { SpanKind } from '@opentelemetry/api';
import type { KieClient } from '../../clients/kie/index.ts';
import { KieHttpError } from '../../clients/kie/index.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_KIE_ACCOUNT_CREDITS,
  LOG_ERROR_CODE,
  SPAN_KIE_BALANCE_CHECK,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { createPeriodicTask, type PeriodicTask } from '../jobs/periodic-task.ts';
import type { KieBalanceMetrics } from './kie-balance-metrics.ts';

export interface KieBalancePollerOptions {
  /** The bot's KIE client: `credits()` is GET /api/v1/chat/credit, which KIE does not charge for. */
  readonly kie: Pick<KieClient, 'credits'>;
  /** KIE_BALANCE_CHECK_MS. */
  readonly intervalMs: number;
  readonly metrics: KieBalanceMetrics;
  readonly logger: Logger;
}

/** A periodic balance check; `check()` runs one now and says what it learnt. */
export interface KieBalancePoller extends Pick<PeriodicTask, 'start' | 'stop'> {
  /** One check now: the balance, or undefined when KIE did not tell (the gauge is then absent). */
  check(): Promise<number | undefined>;
}

/**
 * Every instance checks on its own (no lease): the call is free, and a gauge per instance
 * (`service_instance_id`) shows which instance cannot reach KIE; dashboards and the alert take
 * `min` across instances. A failure logs once when checks start failing, and once when they recover.
 */
export function createKieBalancePoller(options: KieBalancePollerOptions): KieBalancePoller {
  const { kie, intervalMs, metrics, logger } = options;
  let failing = false;

  const check = async (): Promise<number | undefined> => {
    try {
      const credits = await withSpan(
        SPAN_KIE_BALANCE_CHECK,
        { kind: SpanKind.INTERNAL, root: true },
        async (span) => {
          const answer = await kie.credits();
          // A 200 without a number says nothing about the balance: treat it as a failed check.
          if (answer === undefined || !Number.isFinite(answer)) {
            throw new KieHttpError('kie.bad_response', 'credit', {
              sent: true,
              idempotent: true,
              httpStatus: 200,
            });
          }
          span.setAttribute(ATTR_KIE_ACCOUNT_CREDITS, answer);
          return answer;
        },
      );
      metrics.checked(credits);
      if (failing) logger.info('KIE balance check works again', { kie_credits: credits });
      failing = false;
      return credits;
    } catch (error) {
      metrics.failed();
      if (!failing) {
        const code = (error as { code?: unknown }).code;
        logger.warn('KIE balance check failed; the balance gauge is absent until it works', {
          [LOG_ERROR_CODE]: typeof code === 'string' ? code : 'kie.balance_check',
          err: error,
        });
      }
      failing = true;
      return undefined;
    }
  };

  const task = createPeriodicTask({ name: 'KIE balance check', intervalMs, run: check, logger });
  return { start: () => task.start(), stop: (graceMs) => task.stop(graceMs), check };
}
