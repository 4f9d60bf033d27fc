import { type Counter, metrics } from '@opentelemetry/api';
import {
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_KIE_ACCOUNT_CREDITS,
  METRIC_KIE_ACCOUNT_CREDITS_ALERT_BELOW,
  METRIC_KIE_BALANCE_CHECKS,
} from '../../telemetry/attributes.ts';

/** Instruments of the KIE balance check (a no-op when the SDK is disabled). */
export interface KieBalanceMetrics {
  /** A check answered: the gauge reports `credits` from now on. */
  checked(credits: number): void;
  /** A check failed: the gauge is absent until a check answers again (a stale balance would lie). */
  failed(): void;
  /** The balance the gauge reports now; undefined while it is absent. */
  readonly credits: number | undefined;
}

/**
 * `kie.account.credits` and `kie.account.credits.alert_below` are observable gauges read at each
 * export. The balance is observed only while the last check succeeded, so with the app's exporter
 * (telemetry/observed-gauges.ts) the series goes absent rather than freezing or dropping to zero;
 * `kie.balance.checks` makes the failing checks themselves visible.
 */
export function createKieBalanceMetrics(alertBelow: number): KieBalanceMetrics {
  const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
  let latest: number | undefined;
  const checks: Counter = meter.createCounter(METRIC_KIE_BALANCE_CHECKS, {
    unit: '{check}',
    description: 'KIE balance checks (GET /api/v1/chat/credit), by outcome',
  });
  meter
    .createObservableGauge(METRIC_KIE_ACCOUNT_CREDITS, {
      unit: '{credit}',
      description: "KIE credits left on the account at this instance's last successful check",
    })
    .addCallback((result) => {
      if (latest !== undefined) result.observe(latest);
    });
  meter
    .createObservableGauge(METRIC_KIE_ACCOUNT_CREDITS_ALERT_BELOW, {
      unit: '{credit}',
      description: 'KIE_BALANCE_ALERT_BELOW: the balance alert fires under this many credits',
    })
    .addCallback((result) => result.observe(alertBelow));
  return {
    checked(credits) {
      latest = credits;
      checks.add(1, { [ATTR_OUTCOME]: 'ok' });
    },
    failed() {
      latest = undefined;
      checks.add(1, { [ATTR_OUTCOME]: 'error' });
    },
    get credits() {
      return latest;
    },
  };
}
