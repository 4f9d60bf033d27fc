/**
 * Turns what the OpenTelemetry SDK exports into Prometheus samples, named and labelled the way
 * Prometheus's OTLP receiver stores them (known-names.ts translation: `_total` on counters, unit
 * suffixes, `_bucket` / `_sum` / `_count` with `le` for histograms, attribute dots as `_`), so alert
 * rules can be evaluated on what the app really sent.
 */
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { type InstrumentKind, prometheusMetricNames, prometheusName } from './known-names.ts';
import type { Labels, SampleStore } from './promql-eval.ts';

function kindOf(metric: MetricData): InstrumentKind {
  switch (metric.dataPointType) {
    case DataPointType.HISTOGRAM:
      return 'histogram';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'updowncounter';
    default:
      throw new Error(`${metric.descriptor.name}: exponential histograms are not translated here`);
  }
}

/** Records one export at `t` (ms); `resource` holds the promoted resource labels (service_name…). */
export function recordExport(
  store: SampleStore,
  metrics: readonly MetricData[],
  t: number,
  resource: Labels,
): void {
  for (const metric of metrics) {
    const kind = kindOf(metric);
    const names = prometheusMetricNames({
      name: metric.descriptor.name,
      kind,
      unit: metric.descriptor.unit,
      attributes: [],
    });
    for (const point of metric.dataPoints) {
      const labels: Record<string, string> = { ...resource };
      for (const [key, value] of Object.entries(point.attributes))
        labels[prometheusName(key)] = String(value);
      if (kind !== 'histogram') {
        store.add({ ...labels, __name__: names[0] as string }, t, point.value as number);
        continue;
      }
      const [bucket, sum, count] = names as [string, string, string];
      const value = point.value as {
        buckets: { boundaries: number[]; counts: number[] };
        sum?: number;
        count: number;
      };
      let cumulative = 0;
      value.buckets.boundaries.forEach((bound, i) => {
        cumulative += value.buckets.counts[i] ?? 0;
        store.add({ ...labels, __name__: bucket, le: String(bound) }, t, cumulative);
      });
      store.add({ ...labels, __name__: bucket, le: '+Inf' }, t, value.count);
      store.add({ ...labels, __name__: sum }, t, value.sum ?? 0);
      store.add({ ...labels, __name__: count }, t, value.count);
    }
  }
}
