/**
 * Collects every PromQL, LogQL and TraceQL expression in the dashboards, the alert
 * rules and the datasource cross-links, with Grafana's variables replaced by sample
 * values, so that each can be parsed by the language's own grammar.
 */
import {
  allPanels,
  type Dashboard,
  type DatasourceRef,
  loadAlertGroups,
  loadDashboards,
  loadDatasources,
  loadPrometheusRuleFiles,
  type ProvisionedDatasource,
  type TemplateVariable,
} from './stack-files.ts';

export type QueryLanguage = 'promql' | 'logql' | 'traceql';

export interface StackQuery {
  language: QueryLanguage;
  /** The expression as Grafana sends it, after variable interpolation. */
  expr: string;
  /** The expression as written in the file. */
  raw: string;
  /** Where it was found, for failure messages. */
  where: string;
}

/** Sample service name: the value every dashboard's `service` variable defaults to. */
export const SAMPLE_SERVICE = 'tg-genbot';
/** Sample error reference (first 8 hex characters of a trace id). */
export const SAMPLE_REF = '4bf92f35';
const SAMPLE_TRACE_ID = `${SAMPLE_REF}77b34da6a3ce929d0e0e4736`;

/** Grafana's global variables, with values that are valid wherever they may appear. */
const BUILTIN_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '3h',
  __auto: '1m',
  __interval_ms: '15000',
  __range_ms: '10800000',
  __range_s: '10800',
  '__trace.traceId': SAMPLE_TRACE_ID,
  '__span.spanId': '00f067aa0ba902b7',
  '__value.raw': SAMPLE_TRACE_ID,
};

/** Values for dashboard variables whose default is empty (a textbox the user fills in). */
const SAMPLE_VALUES: Record<string, string> = { ref: SAMPLE_REF, service: SAMPLE_SERVICE };

const LANGUAGE_BY_DATASOURCE_TYPE: Record<string, QueryLanguage> = {
  prometheus: 'promql',
  loki: 'logql',
  tempo: 'traceql',
};

function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Replaces `$name`, `${name}`, `${name:format}` and `[[name]]` like Grafana does.
 * An unknown variable throws: a query that uses an undefined variable is broken.
 */
export function interpolateGrafana(expr: string, variables: Record<string, string>, where: string): string {
  const lookup = (name: string, format?: string): string => {
    const value = variables[name] ?? BUILTIN_VARIABLES[name];
    if (value === undefined) throw new Error(`${where}: unknown Grafana variable "${name}" in ${expr}`);
    return format === 'regex' ? escapeRegex(value) : value;
  };
  return expr
    .replace(/\$\{([\w.]+)(?::(\w+))?\}/g, (_m, name: string, format?: string) => lookup(name, format))
    .replace(/\[\[([\w.]+)(?::(\w+))?\]\]/g, (_m, name: string, format?: string) => lookup(name, format))
    .replace(/\$(\w+)/g, (_m, name: string) => lookup(name));
}

/** The value a dashboard variable takes in the tests: its default, its "All" value, or a sample. */
function variableValues(variables: TemplateVariable[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const variable of variables) {
    const current = variable.current?.value;
    let value: string | undefined;
    if (current === '$__all' || (Array.isArray(current) && current.includes('$__all')))
      value = variable.allValue ?? '.*';
    else if (typeof current === 'string' && current !== '') value = current;
    else if (Array.isArray(current) && typeof current[0] === 'string' && current[0] !== '')
      value = current[0];
    values[variable.name] = value ?? SAMPLE_VALUES[variable.name] ?? 'sample';
  }
  return values;
}

function datasourceTypes(): Map<string, string> {
  return new Map(loadDatasources().map((ds) => [ds.uid, ds.type]));
}

function languageOf(ref: DatasourceRef | undefined, types: Map<string, string>): QueryLanguage | undefined {
  if (!ref) return undefined;
  const type = (ref.uid && types.get(ref.uid)) || ref.type;
  return type ? LANGUAGE_BY_DATASOURCE_TYPE[type] : undefined;
}

/**
 * Grafana's Prometheus variable query `label_values(selector, label)` is not PromQL;
 * `count by (label) (selector)` asks for the same names and is.
 */
export function variableQueryAsPromql(query: string): string | undefined {
  const withSelector = /^\s*label_values\(\s*(.+)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(query);
  if (withSelector) return `count by (${withSelector[2]}) (${withSelector[1]})`;
  const labelOnly = /^\s*label_values\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(query);
  if (labelOnly) return `count by (${labelOnly[1]}) ({${labelOnly[1]}!=""})`;
  const queryResult = /^\s*query_result\((.+)\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1];
  return undefined;
}

function dashboardQueries(file: string, dashboard: Dashboard, types: Map<string, string>): StackQuery[] {
  const variables = dashboard.templating?.list ?? [];
  const values = variableValues(variables);
  const queries: StackQuery[] = [];
  const add = (language: QueryLanguage, raw: string, where: string) => {
    queries.push({ language, raw, expr: interpolateGrafana(raw, values, where), where });
  };

  for (const variable of variables) {
    if (variable.type !== 'query' || languageOf(variable.datasource, types) !== 'promql') continue;
    const text =
      typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string })?.query;
    if (!text) continue;
    const where = `${file} variable ${variable.name}`;
    const promql = variableQueryAsPromql(text);
    if (promql === undefined) throw new Error(`${where}: unsupported variable query ${text}`);
    add('promql', promql, where);
  }

  for (const panel of allPanels(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      const language = languageOf(target.datasource ?? panel.datasource, types);
      const where = `${file} panel ${panel.id} "${panel.title}" target ${target.refId}`;
      if (language === 'promql' || language === 'logql') {
        if (target.expr) add(language, target.expr, where);
      } else if (language === 'traceql') {
        if ((target.queryType ?? 'traceql') === 'traceql' && target.query)
          add('traceql', target.query, where);
      }
    }
  }
  return queries;
}

function alertQueries(types: Map<string, string>): StackQuery[] {
  const queries: StackQuery[] = [];
  for (const group of loadAlertGroups()) {
    for (const rule of group.rules) {
      for (const query of rule.data) {
        const language = languageOf({ uid: query.datasourceUid }, types);
        if ((language === 'promql' || language === 'logql') && query.model.expr) {
          const where = `alert ${rule.uid} query ${query.refId}`;
          queries.push({
            language,
            raw: query.model.expr,
            expr: interpolateGrafana(query.model.expr, {}, where),
            where,
          });
        }
      }
    }
  }
  return queries;
}

interface TagMapping {
  key: string;
  value?: string;
}

/** `${__tags}` in a cross-link query expands to the mapped span attributes as matchers. */
function tagMatchers(tags: TagMapping[] | undefined): string {
  return (tags ?? []).map((tag) => `${tag.value || tag.key}="${SAMPLE_SERVICE}"`).join(', ');
}

function crossLinkQueries(datasources: ProvisionedDatasource[]): StackQuery[] {
  const queries: StackQuery[] = [];
  for (const ds of datasources.filter((d) => d.type === 'tempo')) {
    const json = ds.jsonData ?? {};
    const logs = json.tracesToLogsV2 as
      | { customQuery?: boolean; query?: string; tags?: TagMapping[] }
      | undefined;
    if (logs?.customQuery && logs.query) {
      const where = `datasource ${ds.uid} tracesToLogsV2.query`;
      const vars = { __tags: tagMatchers(logs.tags) };
      queries.push({
        language: 'logql',
        raw: logs.query,
        expr: interpolateGrafana(logs.query, vars, where),
        where,
      });
    }
    const metrics = json.tracesToMetrics as
      | { queries?: Array<{ name: string; query: string }>; tags?: TagMapping[] }
      | undefined;
    for (const link of metrics?.queries ?? []) {
      const where = `datasource ${ds.uid} tracesToMetrics "${link.name}"`;
      const vars = { __tags: tagMatchers(metrics?.tags) };
      queries.push({
        language: 'promql',
        raw: link.query,
        expr: interpolateGrafana(link.query, vars, where),
        where,
      });
    }
  }
  return queries;
}

/** Prometheus's own rules (otel/prometheus.yaml rule_files): PromQL without Grafana variables. */
function prometheusRuleQueries(): StackQuery[] {
  return loadPrometheusRuleFiles().flatMap(({ file, groups }) =>
    groups.flatMap((group) =>
      group.rules.map((rule) => ({
        language: 'promql' as const,
        raw: rule.expr,
        expr: rule.expr,
        where: `${file} group ${group.name} ${'record' in rule ? `record ${rule.record}` : `alert ${rule.alert}`}`,
      })),
    ),
  );
}

/** Every query expression of the stack: dashboards, alert rules, datasource cross-links. */
export function collectQueries(): StackQuery[] {
  const datasources = loadDatasources();
  const types = datasourceTypes();
  return [
    ...loadDashboards().flatMap(({ file, dashboard }) => dashboardQueries(file, dashboard, types)),
    ...alertQueries(types),
    ...crossLinkQueries(datasources),
    ...prometheusRuleQueries(),
  ];
}
