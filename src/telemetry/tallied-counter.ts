import type { Attributes, Meter, MetricOptions } from '@opentelemetry/api';

/**
 * A monotonic counter for the hot path: totals are kept per caller-made key and observed at each
 * export, instead of the SDK hashing the attribute object of every `add` (sort, stringify, look
 * up: a few µs per call, on every update and every Bot API call; npm run bench's profile). It is
 * exported as the same monotonic sum a Counter would be, so its series and dashboards are the same.
 */
export interface TalliedCounter {
  /**
   * Adds `value` to the total of `key`. `key` must identify the attribute set (join its values);
   * `attributes` is called only the first time a key is seen.
   */
  add(value: number, key: string, attributes: () => Attributes): void;
}

/**
 * Keys kept before folding into one overflow series, as the SDK does: with the overflow series,
 * 2,000 in all, the SDK's default cardinality limit (beyond which it would fold them itself).
 */
const MAX_SERIES = 1_999;
const OVERFLOW_KEY = '\u0000overflow';
const OVERFLOW_ATTRIBUTES: Attributes = { 'otel.metric.overflow': true };

/**
 * One tally per meter and name: two apps in one process (tests) add to one total, as they would to
 * one Counter. (Two callbacks observing the same series would each report a cumulative total.)
 */
const byMeter = new WeakMap<Meter, Map<string, TalliedCounter>>();

export function talliedCounter(meter: Meter, name: string, options: MetricOptions): TalliedCounter {
  let counters = byMeter.get(meter);
  if (!counters) {
    counters = new Map();
    byMeter.set(meter, counters);
  }
  const existing = counters.get(name);
  if (existing) return existing;

  const totals = new Map<string, { readonly attributes: Attributes; value: number }>();
  meter.createObservableCounter(name, options).addCallback((result) => {
    for (const total of totals.values()) result.observe(total.value, total.attributes);
  });
  const counter: TalliedCounter = {
    add(value, key, attributes) {
      let total = totals.get(key);
      if (!total && totals.size < MAX_SERIES) {
        total = { attributes: attributes(), value: 0 };
        totals.set(key, total);
      } else if (!total) {
        total = totals.get(OVERFLOW_KEY);
        if (!total) {
          total = { attributes: OVERFLOW_ATTRIBUTES, value: 0 };
          totals.set(OVERFLOW_KEY, total);
        }
      }
      total.value += value;
    },
  };
  counters.set(name, counter);
  return counter;
}
