/**
 * The collector's tail_sampling processor, as far as otel/collector.yaml uses it: its config keys
 * (the component's Config, config.go / config.schema.yaml of collector-contrib's
 * processor/tailsamplingprocessor) and the decisions of the policy types used here, written from the
 * upstream evaluators' behaviour (internal/sampling/*.go): a trace is sampled when any policy samples it.
 */

/** Top-level options of the processor's Config. */
const CONFIG_KEYS = new Set([
  'decision_wait',
  'decision_wait_after_root_received',
  'num_traces',
  'expected_new_traces_per_sec',
  'decision_cache',
  'policies',
  'sample_on_first_match',
  'drop_pending_traces_on_shutdown',
  'block_on_overflow',
  'maximum_trace_size_bytes',
  'sampling_strategy',
]);
const DECISION_CACHE_KEYS = new Set(['sampled_cache_size', 'non_sampled_cache_size']);

type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]';
/** Each policy type's block and its fields. */
const POLICY_FIELDS: Record<string, Record<string, FieldType>> = {
  always_sample: {},
  latency: { threshold_ms: 'integer', upper_threshold_ms: 'integer' },
  status_code: { status_codes: 'string[]' },
  string_attribute: {
    key: 'string',
    values: 'string[]',
    enabled_regex_matching: 'boolean',
    cache_max_size: 'integer',
    invert_match: 'boolean',
  },
  probabilistic: { hash_salt: 'string', sampling_percentage: 'number' },
  numeric_attribute: { key: 'string', min_value: 'integer', max_value: 'integer', invert_match: 'boolean' },
  boolean_attribute: { key: 'string', value: 'boolean', invert_match: 'boolean' },
  rate_limiting: { spans_per_second: 'integer' },
  span_count: { min_spans: 'integer', max_spans: 'integer' },
};
const STATUS_CODES = new Set(['OK', 'ERROR', 'UNSET']);

export interface TailSamplingPolicy {
  readonly name: string;
  readonly type: string;
  readonly [block: string]: unknown;
}
export interface TailSamplingConfig {
  readonly policies: readonly TailSamplingPolicy[];
  readonly [key: string]: unknown;
}

/**
 * Resolves `${env:NAME}` / `${env:NAME:-default}` as the collector's confmap does: a value that is
 * only a reference takes the YAML type of what it expands to (so `10` is a number).
 */
export function resolveCollectorEnv<T>(value: T, env: Readonly<Record<string, string>> = {}): T {
  const expand = (text: string) =>
    text.replace(
      /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_m, name: string, fallback?: string) =>
        env[name] !== undefined && env[name] !== '' ? (env[name] as string) : (fallback ?? ''),
    );
  if (typeof value === 'string') {
    const whole = /^\$\{env:[^}]+\}$/.test(value);
    const expanded = expand(value);
    if (whole && /^-?\d+(\.\d+)?$/.test(expanded)) return Number(expanded) as T;
    if (whole && /^(true|false)$/.test(expanded)) return (expanded === 'true') as T;
    return expanded as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveCollectorEnv(v, env)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveCollectorEnv(v, env)])) as T;
  return value;
}

function typeProblem(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value !== 'string';
    case 'boolean':
      return typeof value !== 'boolean';
    case 'number':
      return typeof value !== 'number';
    case 'integer':
      return !Number.isInteger(value);
    case 'string[]':
      return !Array.isArray(value) || !value.every((v) => typeof v === 'string');
  }
}

/** Problems the processor's config unmarshalling and validation would report. */
export function tailSamplingProblems(config: TailSamplingConfig): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config)) if (!CONFIG_KEYS.has(key)) problems.push(`unknown option ${key}`);
  for (const key of Object.keys((config.decision_cache ?? {}) as object))
    if (!DECISION_CACHE_KEYS.has(key)) problems.push(`decision_cache: unknown option ${key}`);
  if (typeof config.decision_wait === 'string' && !/^\d+(ms|s|m)$/.test(config.decision_wait))
    problems.push(`decision_wait ${config.decision_wait} is not a duration`);
  if (!Array.isArray(config.policies) || config.policies.length === 0) problems.push('policies: none');
  const names = new Set<string>();
  for (const policy of config.policies ?? []) {
    const where = `policy ${policy.name}`;
    if (!policy.name || names.has(policy.name)) problems.push(`${where}: a unique name is required`);
    names.add(policy.name);
    const fields = POLICY_FIELDS[policy.type];
    if (!fields) {
      problems.push(`${where}: unknown type ${policy.type}`);
      continue;
    }
    for (const key of Object.keys(policy)) {
      if (key !== 'name' && key !== 'type' && key !== policy.type)
        problems.push(`${where}: ${key} does not belong to a ${policy.type} policy`);
    }
    const block = (policy[policy.type] ?? {}) as Record<string, unknown>;
    if (policy.type !== 'always_sample' && policy[policy.type] === undefined)
      problems.push(`${where}: no ${policy.type} block`);
    for (const [key, value] of Object.entries(block)) {
      const type = fields[key];
      if (!type) problems.push(`${where}: unknown field ${policy.type}.${key}`);
      else if (typeProblem(value, type)) problems.push(`${where}: ${policy.type}.${key} must be ${type}`);
    }
    if (policy.type === 'status_code') {
      for (const code of (block.status_codes ?? []) as string[])
        if (!STATUS_CODES.has(code)) problems.push(`${where}: unknown status code ${code}`);
    }
    if (policy.type === 'string_attribute' && block.enabled_regex_matching) {
      for (const value of (block.values ?? []) as string[]) {
        try {
          new RegExp(value);
        } catch {
          problems.push(`${where}: ${value} is not a regular expression`);
        }
      }
    }
  }
  return problems;
}

export interface SampledSpan {
  readonly startMs: number;
  readonly endMs: number;
  readonly status?: 'OK' | 'ERROR' | 'UNSET';
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}
export interface SampledTrace {
  /** 32 hex characters. */
  readonly traceId: string;
  readonly resource?: Readonly<Record<string, string | number | boolean>>;
  readonly spans: readonly SampledSpan[];
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** FNV-1a 64 of salt + trace id bytes (probabilistic.go hashTraceID). */
function hashTraceId(salt: string, traceId: string): bigint {
  let hash = 0xcbf29ce484222325n;
  const bytes = [
    ...new TextEncoder().encode(salt),
    ...(traceId.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)),
  ];
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & MAX_UINT64;
  }
  return hash;
}

function stringAttributeMatches(trace: SampledTrace, block: Record<string, unknown>): boolean {
  const key = String(block.key);
  const values = (block.values ?? []) as string[];
  const matcher = block.enabled_regex_matching
    ? (v: string) => values.some((re) => new RegExp(re).test(v))
    : (v: string) => values.filter((x) => x !== '').includes(v);
  // Only string values count (pcommon Value.Str() is empty for other types).
  const resourceValue = trace.resource?.[key];
  if (typeof resourceValue === 'string' && matcher(resourceValue)) return true;
  return trace.spans.some((span) => {
    const value = span.attributes?.[key];
    return typeof value === 'string' && value !== '' && matcher(value);
  });
}

/** Whether one policy samples the trace. */
export function policySamples(policy: TailSamplingPolicy, trace: SampledTrace): boolean {
  const block = (policy[policy.type] ?? {}) as Record<string, unknown>;
  switch (policy.type) {
    case 'always_sample':
      return true;
    case 'status_code': {
      const codes = new Set((block.status_codes ?? []) as string[]);
      return trace.spans.some((span) => codes.has(span.status ?? 'UNSET'));
    }
    case 'string_attribute':
      if (block.invert_match) throw new Error('invert_match is not modelled here');
      return stringAttributeMatches(trace, block);
    case 'latency': {
      const start = Math.min(...trace.spans.map((s) => s.startMs));
      const end = Math.max(...trace.spans.map((s) => s.endMs));
      const lower = Number(block.threshold_ms ?? 0);
      const upper = Number(block.upper_threshold_ms ?? 0);
      return upper === 0 ? end - start >= lower : end - start > lower && end - start <= upper;
    }
    case 'probabilistic': {
      const percent = Number(block.sampling_percentage ?? 0);
      const threshold =
        percent >= 100 ? MAX_UINT64 : (MAX_UINT64 * BigInt(Math.round(percent * 1e6))) / 100_000_000n;
      return hashTraceId(String(block.hash_salt || 'default-hash-seed'), trace.traceId) <= threshold;
    }
    default:
      throw new Error(`policy type ${policy.type} is not modelled here`);
  }
}

/** The processor's final decision: sampled when any policy samples (no drop or inverted policies here). */
export function tailSample(
  config: TailSamplingConfig,
  trace: SampledTrace,
): { sampled: boolean; by: string[] } {
  const by = config.policies.filter((p) => policySamples(p, trace)).map((p) => p.name);
  return { sampled: by.length > 0, by };
}
