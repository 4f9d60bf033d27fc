import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_GENERATION_ID,
  ATTR_PROTOCOL_JOB_ID,
} from '../../src/telemetry/attributes.ts';
import { type ComposeService, interpolateCompose, loadCompose, readYaml, serviceEnv } from './stack-files.ts';
import {
  resolveCollectorEnv,
  type SampledTrace,
  type TailSamplingConfig,
  tailSample,
  tailSamplingProblems,
} from './tail-sampling.ts';

interface Collector {
  processors: Record<string, unknown>;
  service: { pipelines: Record<string, { processors?: string[] }> };
}

const collector = readYaml<Collector>('otel/collector.yaml');
const raw = collector.processors.tail_sampling as TailSamplingConfig;
const collectorEnv = serviceEnv(loadCompose().services['otel-collector'] as ComposeService);
/** As the bundled stack runs it: compose's defaults for the collector's variables. */
const config = resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '10', TAIL_SAMPLING_LATENCY_MS: '2000' });

const id = () => randomBytes(16).toString('hex');
const PROD = { 'service.name': 'tg-genbot', 'deployment.environment.name': 'production' };
/** An ordinary update: 40 ms, no error. */
const update = (traceId = id(), extra: Partial<SampledTrace> = {}): SampledTrace => ({
  traceId,
  resource: PROD,
  spans: [
    { startMs: 0, endMs: 40, attributes: { 'telegram.update.type': 'message' } },
    { startMs: 5, endMs: 30, attributes: { 'telegram.api.method': 'sendMessage' } },
  ],
  ...extra,
});
const kept = (trace: SampledTrace, cfg = config) => tailSample(cfg, trace);

describe('tail sampling in the collector (otel/collector.yaml)', () => {
  it('is configured with options and policies the tail_sampling processor knows', () => {
    assert.deepEqual(tailSamplingProblems(config), []);
    // Controls: typos and wrong types are reported.
    const broken = {
      ...config,
      decision_wiat: '10s',
      policies: [
        { name: 'a', type: 'latency', latency: { treshold_ms: 1 } },
        { name: 'b', type: 'probabilistic', probabilistic: { sampling_percentage: '10' } },
        { name: 'b', type: 'string_atribute' },
        { name: 'c', type: 'status_code', status_code: { status_codes: ['FAILED'] } },
      ],
    } as TailSamplingConfig;
    const problems = tailSamplingProblems(broken).join('\n');
    for (const p of [
      /unknown option decision_wiat/,
      /treshold_ms/,
      /sampling_percentage must be number/,
      /unknown type string_atribute/,
      /unique name/,
      /FAILED/,
    ])
      assert.match(problems, p);
  });

  it('samples the traces pipeline only, after redaction and before batching; the app head-samples nothing away', () => {
    const pipelines = collector.service.pipelines;
    const traces = pipelines.traces?.processors ?? [];
    assert.ok(traces.indexOf('transform/redact') < traces.indexOf('tail_sampling'), traces.join());
    assert.equal(traces.indexOf('tail_sampling'), traces.length - 2, 'just before batch');
    for (const name of ['logs', 'metrics'])
      assert.ok(!pipelines[name]?.processors?.includes('tail_sampling'), name);
    // Compose passes the share and the threshold, defaulting to 10 % and 2 s.
    assert.equal(interpolateCompose(collectorEnv.TAIL_SAMPLING_PERCENT ?? ''), '10');
    assert.equal(interpolateCompose(collectorEnv.TAIL_SAMPLING_LATENCY_MS ?? ''), '2000');
    assert.equal(
      interpolateCompose(collectorEnv.TAIL_SAMPLING_PERCENT ?? '', { TAIL_SAMPLING_PERCENT: '25' }),
      '25',
    );
    const bot = serviceEnv(loadCompose().services.bot as ComposeService);
    assert.ok(!bot.OTEL_TRACES_SAMPLER || bot.OTEL_TRACES_SAMPLER === 'parentbased_always_on');
  });

  it('keeps every trace with an error status or an error reference, whatever the share', () => {
    const none = resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '0' });
    for (let i = 0; i < 200; i++) {
      const failed = update(id(), {
        spans: [
          { startMs: 0, endMs: 50, status: 'ERROR', attributes: { 'error.type': 'telegram.502' } },
          { startMs: 1, endMs: 40 },
        ],
      });
      assert.deepEqual(kept(failed, none).by, ['errors']);
      // The ref is on one span of the trace (the one that recorded the error): the whole trace is kept.
      const referenced = update(id(), {
        spans: [
          { startMs: 0, endMs: 50 },
          { startMs: 1, endMs: 40, attributes: { [ATTR_BOT_ERROR_REF]: 'ab12cd34' } },
        ],
      });
      assert.deepEqual(kept(referenced, none).by, ['error-refs']);
    }
  });

  it('keeps generations and protocols, also a late span that arrives after the first decision', () => {
    const none = resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '0' });
    const generation = update(id(), {
      spans: [
        {
          startMs: 0,
          endMs: 80,
          attributes: { [ATTR_BOT_GENERATION_ID]: 'g-1', 'bot.callback.action': 'gen' },
        },
      ],
    });
    assert.ok(kept(generation, none).by.includes('generations'));
    // A poll step five minutes later, alone in its batch: decided again, kept again.
    const latePoll: SampledTrace = {
      ...generation,
      spans: [{ startMs: 300_000, endMs: 300_200, attributes: { [ATTR_BOT_GENERATION_ID]: 'g-1' } }],
    };
    assert.ok(kept(latePoll, none).sampled);
    const protocol = update(id(), {
      spans: [
        { startMs: 0, endMs: 900, attributes: { [ATTR_PROTOCOL_JOB_ID]: 'j-1' } },
        {
          startMs: 10,
          endMs: 800,
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.cost': 0.001 },
        },
      ],
    });
    assert.ok(kept(protocol, none).by.includes('protocols'));
    // A non-string value never matches a string_attribute policy: the ids must stay strings.
    const numeric = update(id(), {
      spans: [{ startMs: 0, endMs: 10, attributes: { [ATTR_PROTOCOL_JOB_ID]: 7 } }],
    });
    assert.ok(!kept(numeric, none).by.includes('protocols'));
  });

  it('keeps traces over the latency threshold, and every trace of the sandbox', () => {
    const none = resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '0' });
    const slow = update(id(), { spans: [{ startMs: 0, endMs: 2500 }] });
    const fast = update(id(), { spans: [{ startMs: 0, endMs: 1900 }] });
    assert.deepEqual(kept(slow, none).by, ['slow']);
    assert.equal(kept(fast, none).sampled, false);
    const stricter = resolveCollectorEnv(raw, {
      TAIL_SAMPLING_PERCENT: '0',
      TAIL_SAMPLING_LATENCY_MS: '1000',
    });
    assert.deepEqual(kept(fast, stricter).by, ['slow']);
    const sandbox = update(id(), { resource: { ...PROD, 'deployment.environment.name': 'sandbox' } });
    assert.deepEqual(kept(sandbox, none).by, ['sandbox']);
  });

  it('keeps the configured share of the rest, by trace id (the same id always gets the same answer)', () => {
    const ids = Array.from({ length: 20_000 }, () => id());
    const share = (cfg: TailSamplingConfig) =>
      ids.filter((traceId) => kept(update(traceId), cfg).sampled).length / ids.length;
    const tenth = share(config);
    assert.ok(tenth > 0.085 && tenth < 0.115, `10 % configured, ${tenth} kept`);
    assert.equal(share(resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '100' })), 1);
    assert.equal(share(resolveCollectorEnv(raw, { TAIL_SAMPLING_PERCENT: '0' })), 0);
    const first = ids.slice(0, 200).map((traceId) => kept(update(traceId)).sampled);
    assert.deepEqual(
      ids.slice(0, 200).map((traceId) => kept(update(traceId)).sampled),
      first,
    );
  });
});
