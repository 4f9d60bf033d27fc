import { OTLPLogExporter as LogsHttpJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsHttpProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsHttpJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsHttpProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesHttpJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesHttpProto } from '@opentelemetry/exporter-trace-otlp-proto';

/**
 * OTLP/HTTP exporters for the protocol in OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf by default,
 * http/json supported). Endpoints and headers come from the standard env, read by the exporters.
 */
export function createOtlpExporters(env: Readonly<Record<string, string | undefined>>) {
  const protocol = (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol === 'http/json') {
    return { traces: new TracesHttpJson(), logs: new LogsHttpJson(), metrics: new MetricsHttpJson() };
  }
  if (protocol !== 'http/protobuf') {
    // gRPC is not bundled; the collector accepts both on 4318.
    console.warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported here; using http/protobuf`);
  }
  return { traces: new TracesHttpProto(), logs: new LogsHttpProto(), metrics: new MetricsHttpProto() };
}
