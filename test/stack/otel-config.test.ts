import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ComposeService,
  loadCompose,
  readText,
  readYaml,
  serviceEnv,
  serviceVolumes,
} from './stack-files.ts';

interface CollectorConfig {
  extensions?: Record<string, unknown>;
  receivers: Record<string, { protocols?: Record<string, { endpoint?: string }> }>;
  processors: Record<string, Record<string, unknown> | null>;
  exporters: Record<string, { endpoint?: string }>;
  connectors?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
  };
}

const collector = readYaml<CollectorConfig>('otel/collector.yaml');
const compose = loadCompose();
const service = (name: string) => compose.services[name] as ComposeService;

/** The statements of transform/redact, flattened, for one signal. */
function redactStatements(signal: 'trace' | 'log' | 'metric'): string[] {
  const groups = collector.processors['transform/redact']?.[`${signal}_statements`] as Array<
    string | { statements: string[] }
  >;
  return (groups ?? []).flatMap((group) => (typeof group === 'string' ? [group] : group.statements));
}

/** Splits an OTTL call's arguments, honouring string literals and their escapes. */
function ottlArguments(statement: string): { fn: string; args: string[] } {
  const match = /^(\w+)\((.*)\)\s*$/s.exec(statement.trim());
  assert.ok(match, `not an OTTL call: ${statement}`);
  const args: string[] = [];
  let current = '';
  let inString = false;
  const body = match[2] ?? '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString && c === '\\') {
      const next = body[++i];
      current += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else if (c === '"') {
      inString = !inString;
    } else if (c === ',' && !inString) {
      args.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  args.push(current.trim());
  return { fn: match[1] ?? '', args };
}

/** OTTL regexes are RE2; the ones used here differ from JS only by the inline (?i) flag. */
function toJsRegex(re2: string): RegExp {
  const caseInsensitive = re2.startsWith('(?i)');
  return new RegExp(caseInsensitive ? re2.slice(4) : re2, caseInsensitive ? 'gi' : 'g');
}

/** Applies every replace_pattern / replace_all_patterns statement that targets `path` to `value`. */
function redact(signal: 'trace' | 'log' | 'metric', path: string, value: string): string {
  let out = value;
  for (const statement of redactStatements(signal)) {
    const { fn, args } = ottlArguments(statement);
    if (args[0] !== path) continue;
    const [pattern, replacement] = fn === 'replace_all_patterns' ? [args[2], args[3]] : [args[1], args[2]];
    assert.ok(pattern !== undefined && replacement !== undefined, statement);
    out = out.replace(toJsRegex(pattern), replacement);
  }
  return out;
}

const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRETS = [
  { text: `https://api.telegram.org/bot${BOT_TOKEN}/sendMessage`, secret: BOT_TOKEN },
  { text: 'Authorization: Bearer 9f2c1e7a55b04c6e8d3f', secret: '9f2c1e7a55b04c6e8d3f' },
  { text: 'LLM call failed with key sk-or-v1-0a1b2c3d4e5f60718293a4b5c6d7e8f9', secret: '0a1b2c3d4e5f6071' },
  {
    text: 'https://api.kie.ai/api/v1/jobs/recordInfo?taskId=1&api_key=kie_live_Xy12',
    secret: 'kie_live_Xy12',
  },
];
const HARMLESS = [
  '4bf92f3577b34da6a3ce929d0e0e4736', // a trace id: must survive, Loki -> Tempo links need it
  'generation 42 delivered to chat 1234567 (ref 4bf92f35)',
  'https://api.telegram.org/file/bot<redacted>/photos/file_1.jpg',
];

describe('otel/collector.yaml', () => {
  it('defines every receiver, processor, exporter and extension a pipeline uses, and uses every one defined', () => {
    const used = {
      receivers: new Set<string>(),
      processors: new Set<string>(),
      exporters: new Set<string>(),
    };
    for (const [name, pipeline] of Object.entries(collector.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const component of pipeline[kind] ?? []) {
          const defined =
            collector[kind][component] !== undefined || collector.connectors?.[component] !== undefined;
          assert.ok(defined, `pipeline ${name} uses undefined ${kind.slice(0, -1)} ${component}`);
          used[kind].add(component);
        }
      }
    }
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      assert.deepEqual([...used[kind]].sort(), Object.keys(collector[kind]).sort(), `unused ${kind}`);
    }
    for (const extension of collector.service.extensions ?? []) {
      assert.ok(collector.extensions?.[extension] !== undefined, `undefined extension ${extension}`);
    }
  });

  it('has traces, logs and metrics pipelines, each memory_limiter first, redaction, batch last', () => {
    assert.deepEqual(Object.keys(collector.service.pipelines).sort(), ['logs', 'metrics', 'traces']);
    for (const [name, pipeline] of Object.entries(collector.service.pipelines)) {
      const processors = pipeline.processors ?? [];
      assert.equal(processors[0], 'memory_limiter', `${name}: memory_limiter must come first`);
      assert.equal(processors.at(-1), 'batch', `${name}: batch must come last`);
      assert.ok(processors.includes('transform/redact'), `${name}: no redaction`);
    }
  });

  it('receives OTLP on 0.0.0.0:4317/4318, where the bot sends it', () => {
    const protocols = collector.receivers.otlp?.protocols ?? {};
    assert.equal(protocols.grpc?.endpoint, '0.0.0.0:4317');
    assert.equal(protocols.http?.endpoint, '0.0.0.0:4318');
    assert.equal(serviceEnv(service('bot')).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318');
  });

  it('exports traces to Tempo, logs to Loki /otlp and metrics to Prometheus /api/v1/otlp', () => {
    const exporterOf = (pipeline: string) => {
      const names = collector.service.pipelines[pipeline]?.exporters ?? [];
      assert.equal(names.length, 1, pipeline);
      return collector.exporters[names[0] ?? '']?.endpoint;
    };
    assert.equal(exporterOf('traces'), 'http://tempo:4318');
    assert.equal(exporterOf('logs'), 'http://loki:3100/otlp');
    assert.equal(exporterOf('metrics'), 'http://prometheus:9090/api/v1/otlp');
    for (const name of ['tempo', 'loki', 'prometheus'])
      assert.ok(compose.services[name], `no ${name} service`);
    for (const exporter of Object.keys(collector.exporters)) {
      assert.match(
        exporter,
        /^otlp_http\//,
        `${exporter}: use the otlp_http name (otlphttp is a deprecated alias)`,
      );
    }
  });

  it('redacts bot tokens and API keys from span attributes, span events, log bodies and log attributes', () => {
    const targets = [
      ['trace', 'span.attributes'],
      ['trace', 'spanevent.attributes'],
      ['log', 'log.body'],
      ['log', 'log.attributes'],
    ] as const;
    for (const [signal, path] of targets) {
      for (const { text, secret } of SECRETS) {
        const redacted = redact(signal, path, text);
        assert.ok(!redacted.includes(secret), `${path} keeps "${secret}" in: ${redacted}`);
        assert.match(redacted, /<redacted>/, path);
      }
      for (const text of HARMLESS)
        assert.equal(redact(signal, path, text), text, `${path} altered harmless text`);
    }
    assert.ok(!redact('metric', 'datapoint.attributes', BOT_TOKEN).includes(BOT_TOKEN));
    assert.ok(!redact('trace', 'resource.attributes', `--token=${BOT_TOKEN}`).includes(BOT_TOKEN));
  });

  it('uses no bare $ (the collector expands env references; a literal $ is written $$)', () => {
    const stripped = readText('otel/collector.yaml').replace(
      /\$\$|\$\{env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}/g,
      '',
    );
    assert.doesNotMatch(stripped, /\$/);
  });
});

interface TempoConfig {
  server?: { http_listen_port?: number };
  distributor?: { receivers?: { otlp?: { protocols?: Record<string, { endpoint?: string }> } } };
  storage?: { trace?: { backend?: string; wal?: { path?: string }; local?: { path?: string } } };
  metrics_generator?: {
    storage?: { path?: string; remote_write?: Array<{ url?: string; send_exemplars?: boolean }> };
  };
  overrides?: { defaults?: { metrics_generator?: { processors?: string[] } } };
  [key: string]: unknown;
}

describe('otel/tempo.yaml (Tempo 3)', () => {
  const tempo = readYaml<TempoConfig>('otel/tempo.yaml');
  const volumeRoot = serviceVolumes(service('tempo')).find((v) => v.type === 'volume')?.target ?? '(none)';

  it('has none of the 2.x blocks Tempo 3 refuses to start with', () => {
    for (const key of ['ingester', 'ingester_client', 'compactor', 'metrics_generator_client']) {
      assert.equal(tempo[key], undefined, `remove ${key}:`);
    }
    assert.doesNotMatch(
      JSON.stringify(tempo),
      /local[-_]blocks/,
      'the local-blocks processor is gone in Tempo 3',
    );
    assert.ok(tempo.overrides?.defaults, 'overrides must use the nested defaults: format');
  });

  it('listens for OTLP on 0.0.0.0 where the collector sends, and serves Grafana on 3200', () => {
    const protocols = tempo.distributor?.receivers?.otlp?.protocols ?? {};
    assert.equal(protocols.http?.endpoint, '0.0.0.0:4318');
    assert.equal(protocols.grpc?.endpoint, '0.0.0.0:4317');
    assert.equal(tempo.server?.http_listen_port, 3200);
  });

  it('keeps traces and the generator WAL on the tempo volume', () => {
    const paths = [
      tempo.storage?.trace?.wal?.path,
      tempo.storage?.trace?.local?.path,
      tempo.metrics_generator?.storage?.path,
    ];
    for (const path of paths)
      assert.ok(path?.startsWith(`${volumeRoot}/`), `${path} is not under ${volumeRoot}`);
  });

  it('generates span metrics and the service graph into Prometheus, with exemplars', () => {
    assert.deepEqual(tempo.overrides?.defaults?.metrics_generator?.processors?.slice().sort(), [
      'service-graphs',
      'span-metrics',
    ]);
    const writes = tempo.metrics_generator?.storage?.remote_write ?? [];
    assert.deepEqual(
      writes.map((w) => [w.url, w.send_exemplars]),
      [['http://prometheus:9090/api/v1/write', true]],
    );
    const command = (service('prometheus').command as string[]).join(' ');
    assert.match(command, /--web\.enable-remote-write-receiver/);
    assert.match(command, /--enable-feature=[^ ]*exemplar-storage/);
  });
});

interface LokiConfig {
  auth_enabled?: boolean;
  server?: { http_listen_port?: number };
  common?: { path_prefix?: string; storage?: { filesystem?: Record<string, string> } };
  schema_config?: { configs?: Array<{ store?: string; schema?: string; object_store?: string }> };
  limits_config?: { allow_structured_metadata?: boolean };
}

describe('otel/loki.yaml (Loki 3)', () => {
  const loki = readYaml<LokiConfig>('otel/loki.yaml');
  const volumeRoot = serviceVolumes(service('loki')).find((v) => v.type === 'volume')?.target ?? '(none)';

  it('accepts OTLP logs: tsdb + schema v13 with structured metadata', () => {
    const last = loki.schema_config?.configs?.at(-1);
    assert.equal(last?.store, 'tsdb');
    assert.equal(last?.schema, 'v13');
    assert.equal(loki.limits_config?.allow_structured_metadata, true);
    assert.equal(loki.auth_enabled, false);
    assert.equal(loki.server?.http_listen_port, 3100);
  });

  it('stores everything on the loki volume', () => {
    const paths = [loki.common?.path_prefix, ...Object.values(loki.common?.storage?.filesystem ?? {})];
    for (const path of paths)
      assert.ok(path === volumeRoot || path?.startsWith(`${volumeRoot}/`), `${path} not under ${volumeRoot}`);
  });
});

interface PrometheusConfig {
  otlp?: {
    promote_resource_attributes?: string[];
    keep_identifying_resource_attributes?: boolean;
    translation_strategy?: string;
  };
  storage?: { tsdb?: { out_of_order_time_window?: string } };
  scrape_configs?: Array<{ job_name: string }>;
}

describe('otel/prometheus.yaml (Prometheus 3)', () => {
  const prometheus = readYaml<PrometheusConfig>('otel/prometheus.yaml');
  const command = (service('prometheus').command as string[]).join(' ');

  it('receives OTLP with the naming the dashboards rely on', () => {
    assert.match(command, /--web\.enable-otlp-receiver/);
    assert.equal(prometheus.otlp?.translation_strategy, 'UnderscoreEscapingWithSuffixes');
    for (const attribute of ['service.name', 'deployment.environment.name', 'service.instance.id']) {
      assert.ok(prometheus.otlp?.promote_resource_attributes?.includes(attribute), `promote ${attribute}`);
    }
    assert.equal(prometheus.otlp?.keep_identifying_resource_attributes, true);
    assert.ok(prometheus.storage?.tsdb?.out_of_order_time_window);
  });

  it('reads its config from the mounted file and keeps data on the volume', () => {
    const configPath = /--config\.file=(\S+)/.exec(command)?.[1];
    const mounts = serviceVolumes(service('prometheus'));
    assert.ok(
      mounts.some((v) => v.target === configPath && v.source === './otel/prometheus.yaml'),
      String(configPath),
    );
    const dataPath = /--storage\.tsdb\.path=(\S+)/.exec(command)?.[1];
    assert.ok(
      mounts.some((v) => v.type === 'volume' && v.target === dataPath),
      String(dataPath),
    );
  });
});
