/**
 * The telemetry names the app is specified to emit: the contract in
 * shared/TELEMETRY.md plus the additions agreed for the dashboards, translated the
 * way the stack stores them (Prometheus OTLP translation, Loki OTLP mapping).
 *
 * This is the "emitted" side of queried-names.test.ts. It is meant to be replaced by
 * an end-to-end export of what a running bot really sends; keep the shape
 * (TelemetryNames) and the comparison stays as it is.
 */
import { outputLabels } from './promql-labels.ts';
import type { TelemetryNames } from './queried-names.ts';
import { loadRecordingRules } from './stack-files.ts';

export type InstrumentKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

export interface InstrumentSpec {
  /** OTel instrument name, e.g. `bot.update.duration`. */
  name: string;
  kind: InstrumentKind;
  /** UCUM unit: `s`, `{update}`, ... */
  unit: string;
  /** Attribute keys the data points carry. */
  attributes: string[];
}

const GEN_AI_COMMON = [
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
];
const SERVER = ['server.address', 'server.port'];

/** Metric instruments: TELEMETRY.md's table, then the additions the dashboards and alerts need. */
export const INSTRUMENTS: InstrumentSpec[] = [
  { name: 'bot.updates', kind: 'counter', unit: '{update}', attributes: ['telegram.update.type', 'outcome'] },
  // error.type on failed updates only: the updates SLO counts a point as good only without one
  // (or with telegram.blocked), slo/slos.yaml.
  {
    name: 'bot.update.duration',
    kind: 'histogram',
    unit: 's',
    attributes: ['telegram.update.type', 'bot.feature', 'outcome', 'error.type'],
  },
  {
    name: 'telegram.api.calls',
    kind: 'counter',
    unit: '{call}',
    attributes: ['telegram.api.method', 'outcome', 'telegram.api.error_code'],
  },
  { name: 'bot.errors', kind: 'counter', unit: '{error}', attributes: ['error.type', 'bot.feature'] },
  // bot.generation.fault (who ended it) is an addition for the generations SLO (slo/slos.yaml).
  {
    name: 'kie.tasks',
    kind: 'counter',
    unit: '{task}',
    attributes: ['kie.model', 'outcome', 'bot.generation.fault'],
  },
  { name: 'kie.task.duration', kind: 'histogram', unit: 's', attributes: ['kie.model', 'outcome'] },
  // `outcome` (ok / error) is an addition: a failed poll has no state.
  {
    name: 'kie.polls',
    kind: 'counter',
    unit: '{poll}',
    attributes: ['kie.model', 'kie.task.state', 'outcome'],
  },
  { name: 'kie.queue.wait', kind: 'histogram', unit: 's', attributes: ['kie.operation'] },
  { name: 'billing.credits', kind: 'counter', unit: '{credit}', attributes: ['billing.operation'] },
  {
    name: 'gen_ai.client.token.usage',
    kind: 'histogram',
    unit: '{token}',
    attributes: [...GEN_AI_COMMON, 'gen_ai.token.type', ...SERVER],
  },
  {
    name: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    attributes: [...GEN_AI_COMMON, 'error.type', ...SERVER],
  },
  { name: 'protocol.jobs', kind: 'counter', unit: '{job}', attributes: ['outcome'] },
  // Additions (not yet in TELEMETRY.md's table):
  { name: 'protocol.segments', kind: 'counter', unit: '{segment}', attributes: ['outcome'] },
  {
    name: 'gen_ai.client.cost',
    kind: 'counter',
    unit: '{credit}',
    attributes: ['gen_ai.request.model', 'gen_ai.provider.name'],
  },
  { name: 'kie.tasks.in_flight', kind: 'updowncounter', unit: '{task}', attributes: [] },
  {
    name: 'kie.api.errors',
    kind: 'counter',
    unit: '{error}',
    attributes: ['kie.operation', 'kie.api', 'error.type'],
  },
  // KIE's reported cost per generation, to set against revenue by model (issue 11).
  { name: 'kie.credits.consumed', kind: 'counter', unit: '{credit}', attributes: ['kie.model'] },
  // Revenue by model (the margin panel) and the KIE balance check (issue 13).
  {
    name: 'bot.generation.credits',
    kind: 'counter',
    unit: '{credit}',
    attributes: ['kie.model', 'outcome', 'bot.model.id'],
  },
  { name: 'kie.account.credits', kind: 'gauge', unit: '{credit}', attributes: [] },
  { name: 'kie.account.credits.alert_below', kind: 'gauge', unit: '{credit}', attributes: [] },
  { name: 'kie.balance.checks', kind: 'counter', unit: '{check}', attributes: ['outcome'] },
];

/** Resource attributes Prometheus promotes to labels (otel/prometheus.yaml). */
export const PROMOTED_RESOURCE_ATTRIBUTES = [
  'service.name',
  'service.namespace',
  'service.version',
  'service.instance.id',
  'deployment.environment.name',
];

const UNIT_WORDS: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

/** OTel attribute or metric name → Prometheus name: anything outside [A-Za-z0-9_:] becomes `_`. */
export function prometheusName(otelName: string): string {
  return otelName.replace(/[^A-Za-z0-9_:]/g, '_').replace(/__+/g, '_');
}

/**
 * Prometheus names of one instrument under the UnderscoreEscapingWithSuffixes strategy:
 * unit suffix (annotations like `{update}` add none), `_total` for monotonic counters,
 * `_bucket/_sum/_count` for histograms.
 */
export function prometheusMetricNames(instrument: InstrumentSpec): string[] {
  const unit = instrument.unit.replace(/\{[^}]*\}/g, '').trim();
  const unitWord = unit === '' || unit === '1' ? '' : (UNIT_WORDS[unit] ?? prometheusName(unit));
  let base = prometheusName(instrument.name);
  if (unitWord && !base.endsWith(`_${unitWord}`)) base = `${base}_${unitWord}`;
  switch (instrument.kind) {
    case 'counter':
      return [base.endsWith('_total') ? base : `${base}_total`];
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
    default:
      return [base];
  }
}

/** Metrics Tempo's metrics generator writes (span-metrics and service-graphs processors). */
const TEMPO_GENERATED_METRICS = [
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_latency_bucket',
  'traces_spanmetrics_latency_sum',
  'traces_spanmetrics_latency_count',
  'traces_spanmetrics_size_total',
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_request_server_seconds_bucket',
  'traces_service_graph_request_server_seconds_sum',
  'traces_service_graph_request_server_seconds_count',
  'traces_service_graph_request_client_seconds_bucket',
  'traces_service_graph_request_client_seconds_sum',
  'traces_service_graph_request_client_seconds_count',
  'traces_service_graph_unpaired_spans_total',
  'traces_service_graph_dropped_spans_total',
];
const TEMPO_GENERATED_LABELS = [
  'service',
  'span_name',
  'span_kind',
  'status_code',
  'status_message',
  'client',
  'server',
  'connection_type',
  'source',
];

/** Labels Prometheus itself adds: job/instance (from service.name/instance id), le for buckets. */
const PROMETHEUS_LABELS = ['job', 'instance', 'le'];

/** Span attributes from TELEMETRY.md's span table (plus error.type, set on every error). */
const SPAN_ATTRIBUTES = [
  'telegram.update.id',
  'telegram.update.type',
  'telegram.chat.id',
  'telegram.chat.type',
  'enduser.id',
  'telegram.user.language',
  'bot.command',
  'bot.callback.action',
  'bot.feature',
  'bot.update.duplicate',
  'bot.error.ref',
  'telegram.api.method',
  'telegram.api.ok',
  'telegram.api.error_code',
  'telegram.api.retry_after',
  'billing.operation',
  'billing.amount',
  'billing.balance_after',
  'billing.idempotency_key',
  'kie.model',
  'kie.task.id',
  'bot.generation.id',
  'kie.queue.wait_ms',
  'kie.task.state',
  'kie.poll.attempt',
  'kie.callback.verified',
  'kie.credits.consumed',
  'protocol.job.id',
  'protocol.segments',
  'protocol.concurrency',
  'protocol.segment.index',
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.response.finish_reasons',
  'gen_ai.usage.cost',
  'llm.cost',
  'error.type',
];
const RESOURCE_ATTRIBUTES = [
  'service.name',
  'service.version',
  'deployment.environment.name',
  'service.instance.id',
];

/**
 * Loki, OTLP route: service.name → index label service_name; the record's trace_id,
 * span_id, severity and the app's log attributes → structured metadata (dots → `_`);
 * detected_level is derived by Loki from the severity.
 */
const LOG_FIELDS = [
  // TELEMETRY.md "Log fields" (what Loki derives itself is in LOKI_DERIVED_FIELDS)
  'level',
  'message',
  'user_id',
  'chat_id',
  'update_id',
  'model_id',
  'task_id',
  'generation_id',
  'job_id',
  'error_code',
  'error_ref',
];

/** What the app itself sends: instruments, span and resource attributes, log record fields. */
export interface AppTelemetry {
  readonly instruments: readonly InstrumentSpec[];
  readonly spanAttributes: readonly string[];
  readonly resourceAttributes: readonly string[];
  /** Log fields as Loki stores them (dots already turned into `_`). */
  readonly logFields: readonly string[];
}

/** Loki adds these to every OTLP log line (index labels, record fields, derived level). */
const LOKI_DERIVED_FIELDS = [
  'service_name',
  'trace_id',
  'span_id',
  'trace_flags',
  'severity_text',
  'severity_number',
  'detected_level',
  'scope_name',
  'service_version',
  'service_instance_id',
  'deployment_environment_name',
];

/** The names as the stack stores them: the app's own, translated, plus what Tempo, Prometheus and Loki add. */
export function storedNames(app: AppTelemetry): TelemetryNames {
  const metrics = new Set<string>(['target_info', ...TEMPO_GENERATED_METRICS]);
  const labels = new Set<string>([
    ...PROMETHEUS_LABELS,
    ...TEMPO_GENERATED_LABELS,
    ...PROMOTED_RESOURCE_ATTRIBUTES.map(prometheusName),
  ]);
  for (const instrument of app.instruments) {
    for (const name of prometheusMetricNames(instrument)) metrics.add(name);
    for (const attribute of instrument.attributes) labels.add(prometheusName(attribute));
  }
  // Series Prometheus records itself (the SLO rules); their inputs are checked as queries.
  for (const rule of loadRecordingRules()) {
    metrics.add(rule.record);
    for (const label of Object.keys(rule.labels ?? {})) labels.add(label);
  }
  return {
    metrics,
    labels,
    spanAttributes: new Set([
      ...app.spanAttributes.map((a) => `span.${a}`),
      ...app.resourceAttributes.map((a) => `resource.${a}`),
    ]),
    logFields: new Set([...LOKI_DERIVED_FIELDS, ...app.logFields]),
  };
}

/**
 * The labels of each stored series: an instrument's own attributes (translated) with job, instance
 * and the promoted resource attributes, `le` on buckets only; target_info with the resource; Tempo's
 * series with Tempo's labels; a recorded series with its rule's labels and those its expression keeps.
 */
export function storedLabels(app: AppTelemetry): Map<string, ReadonlySet<string>> {
  const labels = new Map<string, Set<string>>();
  let added = false;
  const add = (metric: string, names: readonly string[]) => {
    const set = labels.get(metric) ?? new Set<string>();
    for (const name of names) {
      if (set.has(name)) continue;
      set.add(name);
      added = true;
    }
    labels.set(metric, set);
  };
  const bucket = (metric: string) => (metric.endsWith('_bucket') ? ['le'] : []);
  const resource = ['job', 'instance', ...PROMOTED_RESOURCE_ATTRIBUTES.map(prometheusName)];
  add('target_info', [...resource, ...app.resourceAttributes.map(prometheusName)]);
  for (const instrument of app.instruments) {
    for (const metric of prometheusMetricNames(instrument))
      add(metric, [...resource, ...instrument.attributes.map(prometheusName), ...bucket(metric)]);
  }
  for (const metric of TEMPO_GENERATED_METRICS) add(metric, [...TEMPO_GENERATED_LABELS, ...bucket(metric)]);
  // A rule may read a series recorded by a rule after it: repeat until a pass adds nothing.
  const rules = loadRecordingRules();
  do {
    added = false;
    for (const rule of rules) {
      const kept = outputLabels(rule.expr, (metric) => labels.get(metric));
      if (kept) add(rule.record, [...kept, ...Object.keys(rule.labels ?? {})]);
    }
  } while (added);
  return labels;
}

/** Everything the app (and the stack on its behalf) is specified to emit, as stored. */
export function knownNames(): TelemetryNames {
  return storedNames(KNOWN_TELEMETRY);
}

/** The labels of each series the app (and the stack on its behalf) is specified to store. */
export function knownLabels(): Map<string, ReadonlySet<string>> {
  return storedLabels(KNOWN_TELEMETRY);
}

const KNOWN_TELEMETRY: AppTelemetry = {
  instruments: INSTRUMENTS,
  spanAttributes: SPAN_ATTRIBUTES,
  resourceAttributes: RESOURCE_ATTRIBUTES,
  logFields: LOG_FIELDS,
};
