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
  build?: string | { context?: string; dockerfile?: string };
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
 * Replaces compose `${VAR}`, `${VAR:-default}` and `${VAR-default}` with their defaults
 * (or an empty string) and `$$` with `$`, as `docker compose config` would with no
 * environment set.
 */
export function interpolateCompose(value: string): string {
  return value
    .replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}/g,
      (_m, _name: string, fallback?: string) => fallback ?? '',
    )
    .replace(/\$\$/g, '$');
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
  model: { refId?: string; expr?: string; type?: string; expression?: string; instant?: boolean };
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
}
export interface AlertGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: AlertRule[];
}

/** Provisioned alert rule groups, after `$$` unescaping. */
export function loadAlertGroups(): AlertGroup[] {
  return provisioningFiles('alerting').flatMap(
    (file) => unescapeProvisioning(readYaml<{ groups?: AlertGroup[] }>(file)).groups ?? [],
  );
}
