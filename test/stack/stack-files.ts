/**
 * Loads the stack's files (compose, otel/, grafana/) for the tests in this folder.
 * Paths are relative to the repository root; nothing here needs Docker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Absolute path of the repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** Absolute path of a file given relative to the repository root. */
export function repoPath(relative: string): string {
  return join(repoRoot, relative);
}

/** Reads a text file relative to the repository root. */
export function readText(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** Parses a YAML file; `<<` merge keys are enabled because docker-compose.yml uses them. */
export function readYaml<T = unknown>(relative: string): T {
  return parse(readText(relative), { merge: true }) as T;
}

export interface ComposePortObject {
  target: number | string;
  published?: number | string;
  host_ip?: string;
  protocol?: string;
}
export interface ComposeVolumeObject {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
}
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  ports?: Array<string | number | ComposePortObject>;
  volumes?: Array<string | ComposeVolumeObject>;
  depends_on?: string[] | Record<string, { condition: string; required?: boolean }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
}
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml, parsed (not interpolated). */
export function loadCompose(): ComposeFile {
  return readYaml<ComposeFile>('docker-compose.yml');
}

/** A service's environment as a map, whichever form the file uses. */
export function serviceEnv(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const eq = entry.indexOf('=');
      env[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? '' : entry.slice(eq + 1);
    }
  } else {
    for (const [key, value] of Object.entries(service.environment ?? {}))
      env[key] = value === null ? '' : String(value);
  }
  return env;
}

/** A service's depends_on as name → condition. */
export function serviceDependencies(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

/** A volume entry in long form; short `source:target[:mode]` strings are split. */
export function serviceVolumes(service: ComposeService): ComposeVolumeObject[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return volume;
    const [source = '', target = '', mode = ''] = volume.split(':');
    const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
    return { type: bind ? 'bind' : 'volume', source, target, read_only: mode.split(',').includes('ro') };
  });
}

/**
 * Interpolates a compose value as `docker compose config` would with `env` (by default no
 * environment): `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`,
 * `${VAR:?err}` / `${VAR?err}` (throws), defaults that nest (`${A:-${B:-x}}`), and `$$` for `$`.
 */
export function interpolateCompose(value: string, env: Readonly<Record<string, string>> = {}): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (value[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(value.slice(i));
    if (bare) {
      out += env[bare[1] as string] ?? '';
      i += bare[0].length;
      continue;
    }
    if (value[i + 1] !== '{') {
      out += c;
      i++;
      continue;
    }
    // ${…}: find the matching brace (defaults may hold nested ${…}).
    let depth = 0;
    let j = i + 1;
    for (; j < value.length; j++) {
      if (value[j] === '{') depth++;
      else if (value[j] === '}' && --depth === 0) break;
    }
    if (j >= value.length) throw new Error(`unclosed \${ in ${value}`);
    const body = value.slice(i + 2, j);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
    if (!m) throw new Error(`bad interpolation \${${body}} in ${value}`);
    const [, name = '', op, arg = ''] = m;
    const current = env[name];
    const set = op?.startsWith(':') ? current !== undefined && current !== '' : current !== undefined;
    switch (op?.replace(':', '')) {
      case undefined:
        out += current ?? '';
        break;
      case '-':
        out += set ? (current as string) : interpolateCompose(arg, env);
        break;
      case '+':
        out += set ? interpolateCompose(arg, env) : '';
        break;
      case '?':
        if (!set) throw new Error(`${name}: ${arg || 'required'}`);
        out += current as string;
        break;
    }
    i = j + 1;
  }
  return out;
}

export interface DatasourceRef {
  type?: string;
  uid?: string;
}
export interface PanelTarget {
  refId: string;
  datasource?: DatasourceRef;
  expr?: string;
  query?: string;
  queryType?: string;
  exemplar?: boolean;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  targets?: PanelTarget[];
  panels?: Panel[];
  gridPos?: { h: number; w: number; x: number; y: number };
}
export interface TemplateVariable {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
  datasource?: DatasourceRef;
  current?: { value?: unknown };
  includeAll?: boolean;
  allValue?: string;
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: { list: TemplateVariable[] };
}

/** Folder holding the provisioned dashboard JSON files. */
export const dashboardsDir = 'grafana/dashboards';

/** Every dashboard JSON file, parsed. JSON errors surface as thrown SyntaxErrors. */
export function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(repoPath(dashboardsDir))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = `${dashboardsDir}/${name}`;
      return { file, dashboard: JSON.parse(readText(file)) as Dashboard };
    });
}

/** Panels of a dashboard, rows' nested panels included. */
export function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

export interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  url: string;
  jsonData?: Record<string, unknown>;
}

/** Folders of Grafana provisioning files. */
export const provisioningDir = 'grafana/provisioning';

/** Every YAML file under grafana/provisioning/<kind>/. */
export function provisioningFiles(kind: 'datasources' | 'dashboards' | 'alerting'): string[] {
  return readdirSync(repoPath(`${provisioningDir}/${kind}`))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${provisioningDir}/${kind}/${name}`);
}

/**
 * Grafana expands environment variables in provisioning files and turns `$$` into `$`.
 * Applied to every string inside a parsed provisioning document.
 */
export function unescapeProvisioning<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\$/g, '$') as T;
  if (Array.isArray(value)) return value.map((item) => unescapeProvisioning(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeProvisioning(v)])) as T;
  }
  return value;
}

/** Provisioned datasources, as Grafana sees them after `$$` unescaping. */
export function loadDatasources(): ProvisionedDatasource[] {
  return provisioningFiles('datasources').flatMap(
    (file) =>
      unescapeProvisioning(readYaml<{ datasources?: ProvisionedDatasource[] }>(file)).datasources ?? [],
  );
}

export interface AlertQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: {
    refId?: string;
    expr?: string;
    type?: string;
    expression?: string;
    instant?: boolean;
    conditions?: Array<{ evaluator?: { type?: unknown; params?: unknown } }>;
    reducer?: string;
    [key: string]: unknown;
  };
  queryType?: string;
}
export interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  for?: string;
  noDataState?: string;
  execErrState?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  dashboardUid?: string;
  panelId?: number;
  isPaused?: boolean;
}
export interface AlertGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: AlertRule[];
}

/**
 * Grafana's interpolation of one provisioned string (provisioning/values: `interpolateValue`): split
 * on `$$`, expand `$NAME` / `${NAME}` from `env` in each part (os.ExpandEnv: unset is empty), join
 * with `$`.
 */
export function grafanaInterpolate(value: string, env: Readonly<Record<string, string>> = {}): string {
  return value
    .split('$$')
    .map((part) =>
      part.replace(
        /\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[*#@!?\-0-9])/g,
        (_m, braced?: string, bare?: string) => env[(braced ?? bare) as string] ?? '',
      ),
    )
    .join('$');
}

function interpolateStrings<T>(value: T, env: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return grafanaInterpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateStrings(item, env)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateStrings(v, env)])) as T;
  }
  return value;
}

/**
 * One alert rule group as Grafana maps it (provisioning/alerting/rules_types.go): every field goes
 * through interpolation except each query's `model` (Model.Raw) and the `annotations` (raw), which
 * Grafana stores exactly as written.
 */
export function grafanaRuleGroup(group: AlertGroup, env: Readonly<Record<string, string>> = {}): AlertGroup {
  return {
    ...interpolateStrings({ ...group, rules: [] }, env),
    rules: group.rules.map((rule) => ({
      ...interpolateStrings({ ...rule, data: [], annotations: undefined }, env),
      data: rule.data.map((query) => ({
        ...interpolateStrings({ ...query, model: {} }, env),
        model: query.model,
      })),
      ...(rule.annotations && { annotations: rule.annotations }),
    })),
  };
}

/** Provisioned alert rule groups, exactly as written in the files. */
export function loadRawAlertGroups(): Array<{ file: string; group: AlertGroup }> {
  return provisioningFiles('alerting').flatMap((file) =>
    (readYaml<{ groups?: AlertGroup[] }>(file).groups ?? []).map((group) => ({ file, group })),
  );
}

/** Provisioned alert rule groups as Grafana stores them (interpolated where Grafana interpolates). */
export function loadAlertGroups(env: Readonly<Record<string, string>> = {}): AlertGroup[] {
  return loadRawAlertGroups().map(({ group }) => grafanaRuleGroup(group, env));
}

export interface ContactPointReceiver {
  uid: string;
  type: string;
  settings: Record<string, unknown>;
  disableResolveMessage?: boolean;
}
export interface ContactPoint {
  orgId?: number;
  name: string;
  receivers: ContactPointReceiver[];
}
export interface PolicyRoute {
  receiver?: string;
  group_by?: string[];
  object_matchers?: Array<[string, string, string]>;
  matchers?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  mute_time_intervals?: string[];
  routes?: PolicyRoute[];
}
export interface NotificationPolicy extends PolicyRoute {
  orgId?: number;
}

/** Contact points and policies as Grafana reads them: settings and policy trees are interpolated. */
export function loadNotifications(env: Readonly<Record<string, string>> = {}): {
  contactPoints: ContactPoint[];
  policies: NotificationPolicy[];
} {
  const docs = provisioningFiles('alerting').map((file) =>
    readYaml<{ contactPoints?: ContactPoint[]; policies?: NotificationPolicy[] }>(file),
  );
  return {
    contactPoints: docs.flatMap((d) => interpolateStrings(d.contactPoints ?? [], env)),
    policies: docs.flatMap((d) => interpolateStrings(d.policies ?? [], env)),
  };
}

/** The environment Grafana's container gets from docker-compose.yml, given the host's `.env`. */
export function grafanaEnvironment(hostEnv: Readonly<Record<string, string>> = {}): Record<string, string> {
  const grafana = loadCompose().services.grafana as ComposeService;
  return Object.fromEntries(
    Object.entries(serviceEnv(grafana)).map(([k, v]) => [k, interpolateCompose(v, hostEnv)]),
  );
}

export interface PrometheusRecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
export interface PrometheusRuleGroup {
  name: string;
  interval?: string;
  rules: Array<PrometheusRecordingRule | { alert: string; expr: string }>;
}

/**
 * The rule files otel/prometheus.yaml loads (rule_files are paths in the container, mapped back to
 * the files docker-compose.yml mounts there), parsed.
 */
export function loadPrometheusRuleFiles(): Array<{ file: string; groups: PrometheusRuleGroup[] }> {
  const config = readYaml<{ rule_files?: string[] }>('otel/prometheus.yaml');
  const mounts = serviceVolumes(loadCompose().services.prometheus as ComposeService);
  return (config.rule_files ?? []).map((target) => {
    const mount = mounts.find((m) => m.target === target);
    if (!mount?.source) throw new Error(`rule file ${target} is not mounted into the prometheus service`);
    const file = mount.source.replace(/^\.\//, '');
    return { file, groups: readYaml<{ groups?: PrometheusRuleGroup[] }>(file).groups ?? [] };
  });
}

/** Every recording rule Prometheus evaluates. */
export function loadRecordingRules(): PrometheusRecordingRule[] {
  return loadPrometheusRuleFiles().flatMap(({ groups }) =>
    groups.flatMap((g) => g.rules.filter((r): r is PrometheusRecordingRule => 'record' in r)),
  );
}
