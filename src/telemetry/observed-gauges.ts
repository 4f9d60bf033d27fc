import { AggregationTemporality, InstrumentType, type PushMetricExporter } from '@opentelemetry/sdk-metrics';

/**
 * Wraps a metric exporter so that an observable gauge reports only what its callback observed in
 * this collection. With cumulative temporality the JS SDK keeps exporting the last value of an
 * attribute set a callback no longer observes (TemporalMetricProcessor merges it in), so a gauge
 * could never go absent. A gauge has no temporality on the wire (OTLP Gauge), so asking the SDK for
 * delta on gauges changes nothing else: every other instrument keeps the exporter's choice.
 */
export function dropUnobservedGauges(exporter: PushMetricExporter): PushMetricExporter {
  return {
    export: (metrics, done) => exporter.export(metrics, done),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    selectAggregation: exporter.selectAggregation?.bind(exporter),
    selectAggregationTemporality: (type: InstrumentType) =>
      type === InstrumentType.OBSERVABLE_GAUGE
        ? AggregationTemporality.DELTA
        : (exporter.selectAggregationTemporality?.(type) ?? AggregationTemporality.CUMULATIVE),
  };
}
