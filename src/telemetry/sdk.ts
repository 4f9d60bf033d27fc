import { readFileSync } from 'node:fs';
import { context, createNoopMeter, DiagLogLevel, diag, logs, type MeterProvider } from '@opentelemetry/api';
import { type LoggerProvider as LegacyLoggerProvider, logs as legacyLogsApi } from '@opentelemetry/api-logs';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_INSTANCE_ID,
} from '@opentelemetry/semantic-conventions/incubating';
import { dropUnobservedGauges } from './observed-gauges.ts';
import { createOtlpExporters } from './otlp-exporters.ts';
import { registerSecret } from './redact.ts';
import { RedactingLogRecordProcessor, RedactingSpanProcessor } from './redacting-processors.ts';

/** Overrides for tests: in-memory exporters and simple processors instead of OTLP batches. */
export interface TelemetryOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly spanProcessors?: SpanProcessor[];
  readonly logRecordProcessors?: LogRecordProcessor[];
  readonly metricReaders?: IMetricReader[];
}

/** What main.ts needs to flush telemetry on shutdown. */
export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/** Paths of Bot API calls and file downloads: /bot<token>/<method>, /file/bot<token>/<path>. */
const BOT_API_PATH = /^\/(file\/)?bot\d+:/;

/** Files and API of the web chat the sandbox's Telegram fake serves (a webhook could be at `/`). */
const SANDBOX_WEB_CHAT_PATH = /^\/(web|chat\/api)\//;

/**
 * Given to the auto-instrumentations after start: their metrics (db.client.*, http.*) are in no
 * dashboard, alert or SLO, and recording them (attribute hashing per pg query and pool event) cost
 * more CPU per update than all of our own metrics (npm run bench's profile). Their spans stay.
 */
const NO_METRICS: MeterProvider = { getMeter: () => createNoopMeter() };
const RUNTIME_INSTRUMENTATION = '@opentelemetry/instrumentation-runtime-node';

/** Longest time shutdown waits for the last export. */
const SHUTDOWN_FLUSH_TIMEOUT_MS = 3_000;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return '0.0.0';
  }
}

/**
 * Starts the OpenTelemetry NodeSDK: OTLP/HTTP for traces, logs and metrics (standard OTEL_* env),
 * auto-instrumentation of http, undici, pg and winston, and redaction before every exporter.
 * With OTEL_SDK_DISABLED=true nothing is exported, but async context still propagates so log lines
 * keep their update fields. Idempotent.
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  if (current) return current;
  const env = options.env ?? process.env;
  for (const key of ['BOT_TOKEN', 'KIE_API_KEY', 'LLM_API_KEY', 'WEBHOOK_SECRET', 'KIE_WEBHOOK_HMAC_KEY']) {
    registerSecret(env[key]);
  }
  if (env.OTEL_LOG_LEVEL?.toLowerCase() === 'debug') {
    diag.setLogger({ ...console, verbose: console.debug }, DiagLogLevel.DEBUG);
  }
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    current = { enabled: false, shutdown: async () => {} };
    return current;
  }
  const usesOtlp = !options.spanProcessors || !options.logRecordProcessors || !options.metricReaders;
  const otlp = usesOtlp ? createOtlpExporters(env) : undefined;
  const spanProcessors = options.spanProcessors ?? [
    new BatchSpanProcessor({
      exporter: otlp?.traces as SpanExporter,
      // Larger batches than the SDK's 512/2048 halve the export overhead per span (npm run bench);
      // the queue stays bounded, so a dead collector costs at most this many spans of memory.
      maxExportBatchSize: Number(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ?? 2048),
      maxQueueSize: Number(env.OTEL_BSP_MAX_QUEUE_SIZE ?? 8192),
    }),
  ];
  const logProcessors = options.logRecordProcessors ?? [
    new BatchLogRecordProcessor({ exporter: otlp?.logs as LogRecordExporter }),
  ];
  const metricReaders = options.metricReaders ?? [
    new PeriodicExportingMetricReader({
      // A gauge whose callback stops observing goes absent (kie.account.credits when KIE fails).
      exporter: dropUnobservedGauges(otlp!.metrics),
      exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000),
    }),
  ];
  const autoInstrumentations = getNodeAutoInstrumentations({
    // Noise without insight for a bot.
    '@opentelemetry/instrumentation-fs': { enabled: false },
    '@opentelemetry/instrumentation-dns': { enabled: false },
    '@opentelemetry/instrumentation-net': { enabled: false },
    '@opentelemetry/instrumentation-http': {
      // Health probes; and a Telegram fake in this process (the sandbox's, tests'): its Bot API
      // and web chat are not the bot's work, and the bot's traceparent would pull its server
      // spans into the bot's traces as duplicates of the telegram.api spans.
      ignoreIncomingRequestHook: (req) =>
        req.url === '/healthz' ||
        req.url === '/readyz' ||
        BOT_API_PATH.test(req.url ?? '') ||
        SANDBOX_WEB_CHAT_PATH.test(req.url ?? ''),
      // Outgoing http is only grammY's transport (node-fetch) and the OTLP exporters: Bot API
      // calls already have a CLIENT span (telegram.api …) with Telegram's verdict, and exports are
      // never traced. Patching http.request for them cost more CPU per update than all our spans
      // (npm run bench's profile) and sent our traceparent to Telegram. KIE and LLM calls go
      // through fetch (undici) and keep their spans.
      disableOutgoingRequestInstrumentation: true,
    },
    // Query spans come from src/db/traced-dialect.ts, for pg as for PGlite: one span per query
    // with attributes built once per statement, where this instrumentation parsed every query and
    // counted every pool event.
    '@opentelemetry/instrumentation-pg': { enabled: false },
  });
  const sdk = new NodeSDK({
    // Env (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) is detected and wins over these defaults.
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'tg-genbot',
      [ATTR_SERVICE_VERSION]: packageVersion(),
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: env.NODE_ENV ?? 'development',
      [ATTR_SERVICE_INSTANCE_ID]: `${process.pid}@${process.env.HOSTNAME ?? 'local'}`,
    }),
    spanProcessors: [new RedactingSpanProcessor(), ...spanProcessors],
    logRecordProcessors: [new RedactingLogRecordProcessor(), ...logProcessors],
    metricReaders,
    instrumentations: [autoInstrumentations],
  });
  sdk.start();
  for (const instrumentation of autoInstrumentations) {
    // Runtime gauges (event loop delay, heap) are observed at export time, not per update: kept.
    if (instrumentation.instrumentationName !== RUNTIME_INSTRUMENTATION)
      instrumentation.setMeterProvider(NO_METRICS);
  }
  bridgeLegacyLogsApi();

  current = {
    enabled: true,
    shutdown: async () => {
      // Bounded: with the collector down the exporters would retry for their whole timeout, and a
      // container runtime kills the process after ~10 s anyway.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_FLUSH_TIMEOUT_MS);
      });
      try {
        await Promise.race([sdk.shutdown(), deadline]);
      } catch (error) {
        diag.error('Telemetry shutdown failed', error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return current;
}

/**
 * @opentelemetry/winston-transport still emits through the pre-3.0 `@opentelemetry/api-logs`
 * global, while SDK 3 registers its LoggerProvider on `@opentelemetry/api`'s `logs`. Registering the
 * same provider on the old global makes winston records reach the exporter (exactly once).
 */
function bridgeLegacyLogsApi(): void {
  try {
    legacyLogsApi.setGlobalLoggerProvider(logs.getLoggerProvider() as unknown as LegacyLoggerProvider);
  } catch (error) {
    diag.warn('Could not bridge the legacy logs API; winston records will not be exported', error);
  }
}

/** The running telemetry, if started (by src/instrumentation.ts or a test). */
export function getTelemetry(): Telemetry | undefined {
  return current;
}
