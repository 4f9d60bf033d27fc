/**
 * Generates the SLO recording rules, burn-rate alerts and dashboard from slo/slos.yaml.
 *
 *   node slo/generate.ts          writes the three files
 *   node slo/generate.ts --check  exits 1 if any of them is not what slos.yaml generates
 *
 * test/stack/slo.test.ts runs the check too. Burn rate = error ratio / (1 − objective): at 1 the
 * budget lasts exactly the period. Multi-window, multi-burn-rate alerts as in the SRE workbook,
 * https://sre.google/workbook/alerting-on-slos/ (recipe 6).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/** Repository root (this file lives in slo/). */
export const SLO_ROOT = resolve(import.meta.dirname, '..');
export const SLO_SPEC_FILE = 'slo/slos.yaml';
export const RULES_FILE = 'otel/prometheus-slo-rules.yaml';
export const ALERTS_FILE = 'grafana/provisioning/alerting/tg-genbot-slo-alerts.yaml';
export const DASHBOARD_FILE = 'grafana/dashboards/slo.json';

export interface BurnRateAlert {
  readonly severity: 'page' | 'ticket';
  readonly burnRate: number;
  readonly long: string;
  readonly short: string;
}

export interface Slo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly objective: number;
  readonly minEvents: number;
  readonly total: string;
  readonly good?: string;
  readonly bad?: string;
}

export interface SloSpec {
  readonly period: string;
  readonly groupBy: readonly string[];
  readonly alerts: readonly BurnRateAlert[];
  readonly slos: readonly Slo[];
}

const DURATION = /^(\d+)(m|h|d)$/;
const SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

/** Seconds in a window such as `5m`, `6h`, `3d`. */
export function windowSeconds(window: string): number {
  const match = DURATION.exec(window);
  if (!match) throw new Error(`not a window (Nm, Nh or Nd): ${window}`);
  return Number(match[1]) * (SECONDS[match[2] as string] as number);
}

/** Validates slos.yaml; every problem is reported at once. */
export function parseSloSpec(raw: unknown): SloSpec {
  const doc = (raw ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const period = String(doc.period ?? '');
  if (!DURATION.test(period)) problems.push(`period: ${period} is not a window`);
  const groupBy = Array.isArray(doc.group_by) ? doc.group_by.map(String) : [];
  if (groupBy.length === 0) problems.push('group_by: list the labels each SLI is kept apart by');
  const alerts = (Array.isArray(doc.burn_rate_alerts) ? doc.burn_rate_alerts : []).map((a, i) => {
    const alert = a as Record<string, unknown>;
    const parsed: BurnRateAlert = {
      severity: alert.severity as BurnRateAlert['severity'],
      burnRate: Number(alert.burn_rate),
      long: String(alert.long),
      short: String(alert.short),
    };
    if (parsed.severity !== 'page' && parsed.severity !== 'ticket')
      problems.push(`burn_rate_alerts[${i}]: severity page or ticket`);
    if (!(parsed.burnRate > 0)) problems.push(`burn_rate_alerts[${i}]: burn_rate must be positive`);
    if (
      !DURATION.test(parsed.long) ||
      !DURATION.test(parsed.short) ||
      windowSeconds(parsed.short) >= windowSeconds(parsed.long)
    )
      problems.push(`burn_rate_alerts[${i}]: short must be a window shorter than long`);
    return parsed;
  });
  const names = new Set<string>();
  const slos = (Array.isArray(doc.slos) ? doc.slos : []).map((s, i) => {
    const slo = s as Record<string, unknown>;
    const parsed: Slo = {
      name: String(slo.name ?? ''),
      title: String(slo.title ?? ''),
      description: String(slo.description ?? '').trim(),
      objective: Number(slo.objective),
      minEvents: Number(slo.min_events ?? 0),
      total: String(slo.total ?? ''),
      ...(slo.good !== undefined && { good: String(slo.good) }),
      ...(slo.bad !== undefined && { bad: String(slo.bad) }),
    };
    if (!/^[a-z][a-z0-9_]*$/.test(parsed.name) || names.has(parsed.name))
      problems.push(`slos[${i}]: a unique name [a-z0-9_]`);
    names.add(parsed.name);
    if (!(parsed.objective > 0 && parsed.objective < 1))
      problems.push(`slos[${i}] ${parsed.name}: objective between 0 and 1`);
    if (!parsed.title) problems.push(`slos[${i}] ${parsed.name}: title`);
    if (!parsed.total) problems.push(`slos[${i}] ${parsed.name}: total`);
    if ((parsed.good === undefined) === (parsed.bad === undefined))
      problems.push(`slos[${i}] ${parsed.name}: exactly one of good, bad`);
    return parsed;
  });
  if (alerts.length === 0) problems.push('burn_rate_alerts: none');
  if (slos.length === 0) problems.push('slos: none');
  if (problems.length > 0) throw new Error(`${SLO_SPEC_FILE}:\n  ${problems.join('\n  ')}`);
  return { period, groupBy, alerts, slos };
}

export function loadSloSpec(root = SLO_ROOT): SloSpec {
  return parseSloSpec(parse(readFileSync(join(root, SLO_SPEC_FILE), 'utf8')));
}

/** Every window a rule or panel reads, shortest first; 5m is always there (the period ratio sums it). */
export function sloWindows(spec: SloSpec): string[] {
  const windows = new Set(['5m', ...spec.alerts.flatMap((a) => [a.long, a.short])]);
  return [...windows].sort((a, b) => windowSeconds(a) - windowSeconds(b));
}

/** Budget: the error ratio the objective allows (1 − objective), rounded off float noise. */
export function errorBudget(slo: Slo): number {
  return Number((1 - slo.objective).toPrecision(10));
}

export const recorded = {
  total: (window: string) => `slo:sli_total:rate${window}`,
  bad: (window: string) => `slo:sli_bad:rate${window}`,
  ratio: (window: string) => `slo:sli_error:ratio_rate${window}`,
};

// ---------------------------------------------------------------- Prometheus recording rules

export interface RecordingRuleSpec {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** One group per SLO: totals and bad-event rates per window, their ratios, then the period ratio. */
export function recordingRules(spec: SloSpec): {
  groups: Array<{ name: string; interval: string; rules: RecordingRuleSpec[] }>;
} {
  const by = spec.groupBy.join(', ');
  const windows = sloWindows(spec);
  return {
    groups: spec.slos.map((slo) => {
      const labels = { slo: slo.name };
      const rate = (selector: string, w: string) => `sum by (${by}) (rate(${selector}[${w}]))`;
      // A missing series means no such event yet: 0, not "no data" (`or` a zero copy of the total).
      const orZero = (expr: string, w: string) => `(${expr} or 0 * ${rate(slo.total, w)})`;
      const bad = (w: string) =>
        slo.bad !== undefined
          ? orZero(rate(slo.bad, w), w)
          : `clamp_min(${rate(slo.total, w)} - ${orZero(rate(slo.good as string, w), w)}, 0)`;
      const own = (name: string) => `${name}{slo="${slo.name}"}`;
      return {
        name: `slo-${slo.name}`,
        interval: '1m',
        rules: [
          ...windows.flatMap((w) => [
            { record: recorded.total(w), expr: rate(slo.total, w), labels },
            { record: recorded.bad(w), expr: bad(w), labels },
          ]),
          ...windows.map((w) => ({
            record: recorded.ratio(w),
            expr: `${own(recorded.bad(w))} / ${own(recorded.total(w))}`,
            labels,
          })),
          {
            // Summed 5-minute rates weigh every event alike (an average of ratios would not), and
            // need only the recorded series, not 30 days of raw samples at each evaluation.
            record: recorded.ratio(spec.period),
            expr: `sum_over_time(${own(recorded.bad('5m'))}[${spec.period}]) / sum_over_time(${own(recorded.total('5m'))}[${spec.period}])`,
            labels,
          },
        ],
      };
    }),
  };
}

// ---------------------------------------------------------------- Grafana alert rules

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXY';

function instantQuery(refId: string, expr: string) {
  return {
    refId,
    relativeTimeRange: { from: 600, to: 0 },
    datasourceUid: 'prometheus',
    model: { refId, instant: true, expr },
  };
}

/** A page and a ticket rule per SLO, each an OR of its severity's window pairs. */
export function alertRules(spec: SloSpec) {
  const by = [...spec.groupBy, 'slo'].join(', ');
  const rules = spec.slos.flatMap((slo) =>
    (['page', 'ticket'] as const).flatMap((severity) => {
      const pairs = spec.alerts.filter((a) => a.severity === severity);
      if (pairs.length === 0) return [];
      const budget = errorBudget(slo);
      const data: ReturnType<typeof instantQuery>[] = [];
      const terms: string[] = [];
      const described: string[] = [];
      let next = 0;
      const ref = () => REF_IDS[next++] as string;
      for (const pair of pairs) {
        // Aggregated so that Grafana's math pairs the series by labels alone (no __name__).
        const series = (name: string) => `max by (${by}) (${name}{slo="${slo.name}"})`;
        const [long, short, events] = [ref(), ref(), ref()];
        data.push(instantQuery(long, series(recorded.ratio(pair.long))));
        data.push(instantQuery(short, series(recorded.ratio(pair.short))));
        data.push(instantQuery(events, `${series(recorded.total(pair.long))} * ${windowSeconds(pair.long)}`));
        const threshold = `${pair.burnRate} * ${budget}`;
        terms.push(`($${long} > ${threshold} && $${short} > ${threshold} && $${events} >= ${slo.minEvents})`);
        described.push(`${pair.burnRate}× over ${pair.long} and ${pair.short}`);
      }
      const condition = ref();
      const first = REF_IDS[0] as string;
      const fast = severity === 'page';
      return [
        {
          uid: `tg-genbot-slo-${slo.name}-${severity}`,
          title: `SLO ${slo.title}: error budget burning ${fast ? 'fast' : 'steadily'}`,
          condition,
          data: [
            ...data,
            {
              refId: condition,
              datasourceUid: '__expr__',
              model: { refId: condition, type: 'math', expression: terms.join(' || ') },
            },
          ],
          for: fast ? '2m' : '15m',
          noDataState: 'OK',
          execErrState: 'Error',
          labels: { severity, slo: slo.name },
          annotations: {
            summary: `${slo.title} (objective ${round(slo.objective * 100)} %) is burning its ${spec.period} error budget ${fast ? 'fast' : 'steadily'} in {{ $labels.deployment_environment_name }}: {{ humanizePercentage $values.${first}.Value }} of events failed over ${pairs[0]?.long}.`,
            description: `Fires on a burn rate of ${described.join(', or ')} (burn rate 1 spends the budget in exactly ${spec.period}), with at least ${slo.minEvents} events in the long window. ${slo.description} The SLOs dashboard shows the budget left and every window; README "Debugging a failure" says where to look next.`,
          },
        },
      ];
    }),
  );
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: 'tg-genbot-slo', folder: 'tg-genbot', interval: '1m', rules }],
  };
}

function round(n: number): number {
  return Number(n.toPrecision(6));
}

// ---------------------------------------------------------------- the dashboard

const DS = { type: 'prometheus', uid: 'prometheus' } as const;

function target(expr: string, legend: string, instant: boolean, refId = 'A') {
  return {
    refId,
    datasource: DS,
    editorMode: 'code',
    expr,
    legendFormat: legend,
    range: !instant,
    instant,
  };
}

function stat(
  id: number,
  title: string,
  description: string,
  expr: string,
  x: number,
  y: number,
  steps: unknown[],
) {
  return {
    id,
    type: 'stat',
    title,
    description,
    datasource: DS,
    targets: [target(expr, '__auto', true)],
    fieldConfig: {
      defaults: {
        unit: 'percentunit',
        decimals: 2,
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps },
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
    gridPos: { h: 6, w: 4, x, y },
  };
}

/** The SLOs dashboard: per SLO its objective, ratio and budget left over the period, burn rate per window. */
export function sloDashboard(spec: SloSpec) {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  const filter = 'service_name="$service", deployment_environment_name=~"$env"';
  for (const slo of spec.slos) {
    const budget = errorBudget(slo);
    const sel = (name: string) => `${name}{slo="${slo.name}", ${filter}}`;
    panels.push({
      id: id++,
      type: 'row',
      title: slo.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    panels.push(
      stat(id++, 'Objective', slo.description, `vector(${slo.objective})`, 0, y, [
        { value: null, color: 'blue' },
      ]),
      stat(
        id++,
        `Good over ${spec.period}`,
        `Share of good events over the last ${spec.period} (${recorded.ratio(spec.period)}).`,
        `1 - max(${sel(recorded.ratio(spec.period))})`,
        4,
        y,
        [
          { value: null, color: 'red' },
          { value: slo.objective, color: 'green' },
        ],
      ),
      stat(
        id++,
        'Error budget left',
        `1 − (error ratio over ${spec.period}) / (1 − objective). Below 0 the objective is missed.`,
        `1 - max(${sel(recorded.ratio(spec.period))}) / ${budget}`,
        8,
        y,
        [
          { value: null, color: 'red' },
          { value: 0, color: 'orange' },
          { value: 0.25, color: 'green' },
        ],
      ),
    );
    const windows = sloWindows(spec);
    panels.push({
      id: id++,
      type: 'timeseries',
      title: 'Burn rate by window',
      description: `Error ratio / ${budget} per window. 1 spends the budget in exactly ${spec.period}; the alerts fire at ${spec.alerts
        .map((a) => `${a.burnRate} (${a.long} and ${a.short}, ${a.severity})`)
        .join(', ')}.`,
      datasource: DS,
      targets: windows.map((w, i) =>
        target(`max(${sel(recorded.ratio(w))}) / ${budget}`, w, false, REF_IDS[i]),
      ),
      fieldConfig: {
        defaults: {
          unit: 'none',
          decimals: 1,
          min: 0,
          custom: { thresholdsStyle: { mode: 'dashed' } },
          color: { mode: 'palette-classic' },
          thresholds: {
            mode: 'absolute',
            steps: [
              { value: null, color: 'green' },
              ...[...new Set(spec.alerts.map((a) => a.burnRate))]
                .sort((a, b) => a - b)
                .map((value) => ({ value, color: value >= 6 ? 'red' : 'orange' })),
            ],
          },
        },
        overrides: [],
      },
      options: {
        legend: { displayMode: 'list', placement: 'bottom' },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
      gridPos: { h: 6, w: 12, x: 12, y },
    });
    y += 6;
  }
  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: `Service level objectives from ${SLO_SPEC_FILE} (generated by slo/generate.ts; edit the YAML, not this file).`,
    editable: false,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [
      {
        asDropdown: true,
        icon: 'external link',
        includeVars: true,
        keepTime: true,
        tags: ['tg-genbot'],
        targetBlank: false,
        title: 'tg-genbot dashboards',
        type: 'dashboards',
      },
    ],
    panels,
    refresh: '1m',
    schemaVersion: 41,
    tags: ['tg-genbot'],
    templating: {
      list: [
        {
          type: 'textbox',
          name: 'service',
          label: 'Service',
          description: 'OTEL_SERVICE_NAME of the bot',
          query: 'tg-genbot',
          current: { text: 'tg-genbot', value: 'tg-genbot' },
          options: [{ selected: true, text: 'tg-genbot', value: 'tg-genbot' }],
          hide: 0,
        },
        {
          type: 'query',
          name: 'env',
          label: 'Environment',
          description: 'deployment.environment.name: each has its own budget',
          datasource: DS,
          query: {
            qryType: 1,
            query: `label_values(${recorded.total('5m')}{service_name="$service"}, deployment_environment_name)`,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          definition: `label_values(${recorded.total('5m')}{service_name="$service"}, deployment_environment_name)`,
          includeAll: false,
          multi: false,
          refresh: 2,
          sort: 1,
          current: {},
          options: [],
          hide: 0,
        },
      ],
    },
    time: { from: 'now-7d', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: 'SLOs',
    uid: 'tg-genbot-slo',
    version: 1,
  };
}

// ---------------------------------------------------------------- files

const GENERATED = `# GENERATED by slo/generate.ts from ${SLO_SPEC_FILE}: edit that file and run \`node slo/generate.ts\`.`;

/** The generated files, path → content. */
export function renderSloFiles(spec: SloSpec): Record<string, string> {
  const yaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return {
    [RULES_FILE]: `${GENERATED}\n# Prometheus recording rules of the SLIs (rule_files in otel/prometheus.yaml).\n${yaml(recordingRules(spec))}`,
    [ALERTS_FILE]: `${GENERATED}\n# Multi-window, multi-burn-rate alerts on the recorded SLIs. Like tg-genbot-alerts.yaml: query and\n# expression models and annotations are taken raw by Grafana ($A, {{ $labels.x }}); nothing\n# interpolated needs a literal dollar sign.\n${yaml(alertRules(spec))}`,
    [DASHBOARD_FILE]: `${JSON.stringify(sloDashboard(spec), null, 2)}\n`,
  };
}

function main(argv: readonly string[]): number {
  const files = renderSloFiles(loadSloSpec());
  const check = argv.includes('--check');
  let stale = 0;
  for (const [path, content] of Object.entries(files)) {
    const file = join(SLO_ROOT, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) {
      console.error(`${path} is not what ${SLO_SPEC_FILE} generates: run node slo/generate.ts`);
      stale++;
    } else {
      writeFileSync(file, content);
      console.log(`wrote ${path}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
