import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }>;
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * Where a sample's time goes, by the innermost frame of its stack that a rule names. Rules are
 * tried in order for each frame from the leaf up, so a Buffer write inside protobufjs counts as
 * serialization and a setAttribute inside our middleware counts as span work.
 */
const RULES: ReadonlyArray<readonly [category: string, test: RegExp]> = [
  ['redaction', /\/src\/telemetry\/redact/],
  ['OTLP serialization + export', /otlp-transformer|otlp-exporter-base|exporter-[a-z]+-otlp|protobufjs/],
  ['batch processors', /Batch(Span|LogRecord)Processor/],
  ['log records (winston → OTLP)', /winston-transport|sdk-logs|api-logs|instrumentation-winston/],
  ['metric recording', /sdk-metrics|\/src\/telemetry\/(metrics|observed-gauges|tallied-counter)/],
  ['DB query events (our dialect wrapper)', /instrumentation-pg|\/src\/db\/traced-dialect/],
  ['http/undici instrumentation', /instrumentation-(http|undici)/],
  [
    'auto-instrumentation hooks',
    /import-in-the-middle|require-in-the-middle|shimmer|\/instrumentation\/build/,
  ],
  ['span creation, attributes, end (SDK)', /@opentelemetry\/(sdk-trace|api|core|resources)\//],
  [
    'our span + attribute code',
    /\/src\/(telemetry\/|bot\/middlewares\/update-(tracing|attributes)|bot\/transformers\/api-tracing)/,
  ],
  ['async context', /context-async-hooks|async_local_storage|async_hooks/],
  ['winston logging', /\/node_modules\/(winston|logform|triple-beam|readable-stream)\//],
  ['grammY (and its node-fetch)', /\/node_modules\/(grammy|node-fetch|whatwg-url|tr46)\//],
  ['database driver (Kysely, pg, PGlite)', /\/node_modules\/(kysely|pg|pg-[a-z]+|@electric-sql\/pglite)\//],
  ['bot code (src/)', /\/src\//],
];

const byCategoryOf = (url: string): string | undefined => RULES.find(([, test]) => test.test(url))?.[0];

/** Picks the main thread's profile of a process (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`). */
export function mainThreadProfile(dir: string, pid: number | undefined): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.includes(`.${pid}.0.`)) ?? files[0];
  if (!main) throw new Error(`no .cpuprofile in ${dir}`);
  return join(dir, main);
}

/**
 * Milliseconds of main-thread CPU per category within [fromUs, toUs] (the measured phase; the
 * profile's timestamps are on the same monotonic clock as process.hrtime). Idle time is left out.
 */
export function summariseProfile(file: string, fromUs: number, toUs: number): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  const frames = new Map<number, { functionName: string; url: string }>();
  for (const node of profile.nodes) {
    frames.set(node.id, node.callFrame);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const categoryOfNode = new Map<number, string>();
  const categorise = (leaf: number): string => {
    const cached = categoryOfNode.get(leaf);
    if (cached) return cached;
    let category: string | undefined;
    // The innermost frame outside Node's own code decides: a wrapper (an instrumentation's patched
    // http.request) is charged for its own work, not for the library code it calls.
    for (let id: number | undefined = leaf; id !== undefined && !category; id = parent.get(id)) {
      const url = frames.get(id)?.url ?? '';
      if (url.includes('async_')) category = byCategoryOf(url);
      else if (url && !url.startsWith('node:')) category = byCategoryOf(url) ?? 'other libraries';
    }
    if (!category) {
      const name = frames.get(leaf)?.functionName ?? '';
      category =
        name === '(garbage collector)'
          ? 'garbage collection'
          : name === '(idle)'
            ? '(idle)'
            : name === '(program)'
              ? 'V8 / native (program)'
              : 'Node internals (http, streams, timers)';
    }
    categoryOfNode.set(leaf, category);
    return category;
  };
  const totals = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    // A sample stands for the time until the next one.
    const weightUs = profile.timeDeltas[i + 1] ?? 0;
    const category = categorise(profile.samples[i] as number);
    if (category === '(idle)') continue;
    totals.set(category, (totals.get(category) ?? 0) + weightUs / 1000);
  }
  return totals;
}

/**
 * A table of µs per update per category of two runs (telemetry off vs on, or the baseline bot vs
 * ours), sorted by what the second adds.
 */
export function formatProfileTable(
  off: Map<string, number>,
  offUpdates: number,
  on: Map<string, number>,
  onUpdates: number,
  labels: readonly [string, string] = ['off', 'on'],
): string {
  const categories = [...new Set([...off.keys(), ...on.keys()])];
  const rows = categories
    .map((category) => {
      const offUs = ((off.get(category) ?? 0) * 1000) / offUpdates;
      const onUs = ((on.get(category) ?? 0) * 1000) / onUpdates;
      return { category, offUs, onUs, added: onUs - offUs };
    })
    .sort((a, b) => b.added - a.added);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const total = {
    category: 'total (main thread)',
    offUs: sum(rows.map((r) => r.offUs)),
    onUs: sum(rows.map((r) => r.onUs)),
    added: sum(rows.map((r) => r.added)),
  };
  const line = (r: typeof total) =>
    `| ${r.category.padEnd(38)} | ${r.offUs.toFixed(0).padStart(6)} | ${r.onUs.toFixed(0).padStart(6)} | ${(r.added >= 0 ? '+' : '') + r.added.toFixed(0).padStart(5)} |`;
  return [
    `| ${'µs of CPU per update'.padEnd(38)} | ${labels[0].padStart(6)} | ${labels[1].padStart(6)} | added |`,
    `|${'-'.repeat(40)}|-------:|-------:|------:|`,
    ...rows.map(line),
    line(total),
  ].join('\n');
}
