import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSloSpec } from '../../slo/generate.ts';
import {
  allPanels,
  type ComposeService,
  grafanaEnvironment,
  interpolateCompose,
  loadAlertGroups,
  loadCompose,
  loadDashboards,
  loadDatasources,
  provisioningFiles,
  readText,
  readYaml,
  repoPath,
  serviceEnv,
  serviceVolumes,
} from './stack-files.ts';

/** Datasource uids Grafana provides itself. */
const BUILTIN_DATASOURCES = new Set([
  '__expr__',
  '-- Grafana --',
  '-- Mixed --',
  '-- Dashboard --',
  'grafana',
]);
const REQUIRED_DASHBOARDS = [
  'Bot overview',
  'Generations',
  'LLM',
  'Error lookup',
  'SLOs',
  'Cost and providers',
];

const datasources = loadDatasources();
const byUid = new Map(datasources.map((ds) => [ds.uid, ds]));
const dashboards = loadDashboards();
const groups = loadAlertGroups();
const grafana = loadCompose().services.grafana as ComposeService;

/** Every `datasourceUid` value anywhere inside a datasource's jsonData. */
function linkedUids(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) linkedUids(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'datasourceUid' && typeof inner === 'string') found.push(inner);
      else linkedUids(inner, found);
    }
  }
  return found;
}

function jsonData<T>(uid: string, key: string): T {
  return byUid.get(uid)?.jsonData?.[key] as T;
}

/** Where a host directory is mounted in the Grafana container. */
function grafanaMountOf(source: string): string | undefined {
  return serviceVolumes(grafana).find((v) => v.source === source)?.target;
}

describe('Grafana datasources', () => {
  it('are Prometheus, Tempo and Loki with fixed, unique uids', () => {
    assert.deepEqual(datasources.map((ds) => `${ds.type}:${ds.uid}`).sort(), [
      'loki:loki',
      'prometheus:prometheus',
      'tempo:tempo',
    ]);
  });

  it('point at the compose services on their ports', () => {
    const compose = loadCompose();
    for (const ds of datasources) {
      const url = new URL(ds.url);
      assert.ok(compose.services[url.hostname], `${ds.uid}: no service ${url.hostname}`);
    }
    assert.equal(byUid.get('prometheus')?.url, 'http://prometheus:9090');
    assert.equal(byUid.get('tempo')?.url, 'http://tempo:3200');
    assert.equal(byUid.get('loki')?.url, 'http://loki:3100');
  });

  it('link only to datasources that exist', () => {
    for (const ds of datasources) {
      for (const uid of linkedUids(ds.jsonData))
        assert.ok(byUid.has(uid), `${ds.uid} links to missing datasource ${uid}`);
    }
  });

  it('cross-link in every direction', () => {
    const logs = jsonData<{ datasourceUid?: string; query?: string; filterByTraceID?: boolean }>(
      'tempo',
      'tracesToLogsV2',
    );
    assert.equal(logs?.datasourceUid, 'loki', 'Tempo -> Loki');
    assert.match(logs?.query ?? '', /trace_id\s*=\s*"\$\{__trace\.traceId\}"/, 'Tempo -> Loki by trace_id');
    const metrics = jsonData<{ datasourceUid?: string; queries?: unknown[] }>('tempo', 'tracesToMetrics');
    assert.equal(metrics?.datasourceUid, 'prometheus', 'Tempo -> span metrics');
    assert.ok((metrics?.queries ?? []).length > 0, 'Tempo -> span metrics queries');
    assert.equal(
      jsonData<{ datasourceUid?: string }>('tempo', 'serviceMap')?.datasourceUid,
      'prometheus',
      'service map',
    );
    const derived = jsonData<
      Array<{ datasourceUid?: string; matcherType?: string; matcherRegex?: string; url?: string }>
    >('loki', 'derivedFields');
    assert.ok(
      derived?.some(
        (f) =>
          f.datasourceUid === 'tempo' &&
          f.matcherType === 'label' &&
          f.matcherRegex === 'trace_id' &&
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a JS template
          f.url === '${__value.raw}',
      ),
      'Loki -> Tempo by the trace_id structured metadata',
    );
    const exemplars = jsonData<Array<{ name?: string; datasourceUid?: string }>>(
      'prometheus',
      'exemplarTraceIdDestinations',
    );
    assert.ok(
      exemplars?.some((e) => e.name === 'traceID' && e.datasourceUid === 'tempo'),
      'Prometheus exemplars -> Tempo',
    );
  });

  it('match the metrics export interval with the Prometheus timeInterval', () => {
    const interval = jsonData<string>('prometheus', 'timeInterval');
    const exportMs = Number(
      serviceEnv(loadCompose().services.bot as ComposeService).OTEL_METRIC_EXPORT_INTERVAL,
    );
    assert.equal(interval, `${exportMs / 1000}s`);
  });
});

describe('Grafana provisioning files', () => {
  it('write every literal $ as $$ where Grafana interpolates (datasources, dashboard providers)', () => {
    for (const file of [...provisioningFiles('datasources'), ...provisioningFiles('dashboards')]) {
      const lines = readText(file).split('\n');
      lines.forEach((line, index) => {
        if (line.trimStart().startsWith('#')) return;
        assert.doesNotMatch(line.replace(/\$\$/g, ''), /\$/, `${file}:${index + 1} has an unescaped $`);
      });
    }
  });

  it('alerting files: interpolated fields reference only variables compose gives Grafana; raw ones hold no $$', () => {
    const provided = new Set(Object.keys(grafanaEnvironment()));
    const problems: string[] = [];
    /** Walks a document; `raw` marks the subtrees Grafana stores as written (rule models, annotations). */
    const walk = (value: unknown, path: string, raw: boolean) => {
      if (typeof value === 'string') {
        if (raw) {
          if (value.includes('$$')) problems.push(`${path}: $$ in a field Grafana takes raw`);
          if (value.includes('${'))
            problems.push(`${path}: \${ in a field Grafana takes raw (newer versions expand it)`);
          return;
        }
        for (const m of value.replace(/\$\$/g, '').matchAll(/\$\{?([A-Za-z_]\w*)?/g)) {
          if (!m[1] || !provided.has(m[1]))
            problems.push(`${path}: "${m[0]}" is not a variable compose gives Grafana`);
        }
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(item, `${path}[${i}]`, raw);
        });
      } else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          const isRaw = raw || key === 'annotations' || (key === 'model' && /\.data\[\d+\]$/.test(path));
          walk(inner, `${path}.${key}`, isRaw);
        }
      }
    };
    for (const file of provisioningFiles('alerting')) walk(readYaml(file), file, false);
    assert.deepEqual(problems, []);
    // Control: the mistake this guards against is caught.
    walk(
      {
        groups: [
          {
            rules: [{ data: [{ model: { expression: '$$A > 1' } }], annotations: { s: '{{ $$labels.x }}' } }],
          },
        ],
      },
      'control',
      false,
    );
    assert.equal(problems.length, 2);
  });

  it('are mounted where Grafana reads them, and the dashboard provider path is the mounted folder', () => {
    assert.equal(grafanaMountOf('./grafana/provisioning'), '/etc/grafana/provisioning');
    const dashboardsMount = grafanaMountOf('./grafana/dashboards');
    const providers = provisioningFiles('dashboards').flatMap(
      (file) =>
        readYaml<{ providers?: Array<{ type: string; options?: { path?: string } }> }>(file).providers ?? [],
    );
    assert.ok(providers.length > 0);
    for (const provider of providers) {
      assert.equal(provider.type, 'file');
      assert.equal(provider.options?.path, dashboardsMount);
    }
    const home = serviceEnv(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    assert.ok(home.startsWith(`${dashboardsMount}/`), home);
    assert.ok(existsSync(repoPath(`grafana/dashboards/${home.slice(`${dashboardsMount}/`.length)}`)), home);
    assert.equal(
      interpolateCompose(grafana.image ?? '')
        .split(':')[1]
        ?.split('.')[0],
      '13',
      'Grafana 13',
    );
  });
});

describe('Grafana dashboards', () => {
  it('are the six dashboards, each with a unique uid and title', () => {
    const titles = dashboards.map((d) => d.dashboard.title).sort();
    assert.deepEqual(titles, [...REQUIRED_DASHBOARDS].sort());
    const uids = dashboards.map((d) => d.dashboard.uid);
    assert.equal(new Set(uids).size, uids.length, 'duplicate dashboard uid');
    for (const uid of uids) assert.match(uid, /^[A-Za-z0-9_-]{1,40}$/);
  });

  it('are Grafana 13 JSON (schemaVersion ≥ 39), with unique panel ids that fit the grid', () => {
    for (const { file, dashboard } of dashboards) {
      assert.ok(dashboard.schemaVersion >= 39, `${file}: schemaVersion ${dashboard.schemaVersion}`);
      const panels = allPanels(dashboard.panels);
      assert.ok(panels.length > 0, `${file}: no panels`);
      const ids = panels.map((p) => p.id);
      assert.ok(
        ids.every((id) => Number.isInteger(id)),
        `${file}: panel without an integer id`,
      );
      assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids ${ids.join(',')}`);
      for (const panel of panels) {
        const grid = panel.gridPos;
        assert.ok(
          grid && grid.x >= 0 && grid.w > 0 && grid.x + grid.w <= 24 && grid.h > 0,
          `${file}: panel ${panel.id} gridPos`,
        );
      }
    }
  });

  it('use only provisioned datasource uids', () => {
    for (const { file, dashboard } of dashboards) {
      const refs = [
        ...allPanels(dashboard.panels).flatMap((p) => [
          p.datasource,
          ...(p.targets ?? []).map((t) => t.datasource),
        ]),
        ...(dashboard.templating?.list ?? []).map((v) => v.datasource),
      ];
      for (const ref of refs) {
        if (!ref?.uid || BUILTIN_DATASOURCES.has(ref.uid)) continue;
        assert.ok(byUid.has(ref.uid), `${file}: unknown datasource uid ${ref.uid}`);
        if (ref.type) assert.equal(byUid.get(ref.uid)?.type, ref.type, `${file}: datasource ${ref.uid} type`);
      }
      for (const panel of allPanels(dashboard.panels)) {
        if ((panel.targets ?? []).length > 0)
          assert.ok(panel.datasource?.uid, `${file}: panel ${panel.id} has no datasource`);
      }
    }
  });

  it('Error lookup finds a trace by bot.error.ref and its logs by error_ref', () => {
    const lookup = dashboards.find((d) => d.dashboard.title === 'Error lookup')?.dashboard;
    assert.ok(lookup);
    const ref = lookup.templating?.list.find((v) => v.name === 'ref');
    assert.equal(ref?.type, 'textbox');
    const targets = allPanels(lookup.panels).flatMap((p) => p.targets ?? []);
    assert.ok(
      targets.some(
        (t) =>
          t.datasource?.uid === 'tempo' &&
          t.queryType === 'traceql' &&
          t.query === '{ span.bot.error.ref = "$ref" }',
      ),
    );
    assert.ok(
      targets.some(
        (t) => t.datasource?.uid === 'loki' && t.expr === '{service_name="$service"} | error_ref = "$ref"',
      ),
    );
  });

  it('Bot overview shows span-metric exemplars that open traces', () => {
    const overview = dashboards.find((d) => d.dashboard.title === 'Bot overview')?.dashboard;
    const targets = allPanels(overview?.panels ?? []).flatMap((p) => p.targets ?? []);
    assert.ok(
      targets.some((t) => t.exemplar === true && t.expr?.includes('traces_spanmetrics_latency_bucket')),
    );
    assert.ok(targets.some((t) => t.queryType === 'serviceMap'));
  });
});

describe('Grafana alert rules', () => {
  const rules = groups.flatMap((g) => g.rules);

  it('cover error rate, out-of-credits, KIE balance, task backlog, no updates and every SLO', () => {
    const slos = loadSloSpec().slos.flatMap((slo) => [
      `tg-genbot-slo-${slo.name}-page`,
      `tg-genbot-slo-${slo.name}-ticket`,
    ]);
    assert.deepEqual(
      rules.map((r) => r.uid).sort(),
      [
        'tg-genbot-error-rate',
        'tg-genbot-insufficient-credits',
        'tg-genbot-kie-balance-low',
        'tg-genbot-kie-balance-unknown',
        'tg-genbot-no-updates',
        'tg-genbot-task-backlog',
        ...slos,
      ].sort(),
    );
    const uids = rules.map((r) => r.uid);
    assert.equal(new Set(uids).size, uids.length, 'duplicate rule uid');
  });

  it('are complete and internally consistent', () => {
    for (const group of groups) {
      assert.ok(group.folder && group.name && /^\d+[smh]$/.test(group.interval), `group ${group.name}`);
    }
    for (const rule of rules) {
      const refIds = rule.data.map((d) => d.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${rule.uid}: duplicate refId`);
      assert.ok(refIds.includes(rule.condition), `${rule.uid}: condition ${rule.condition} is not a query`);
      assert.ok(
        rule.title && rule.for !== undefined && rule.noDataState && rule.execErrState,
        `${rule.uid}: fields`,
      );
      assert.ok(rule.annotations?.summary, `${rule.uid}: summary`);
      for (const query of rule.data) {
        assert.equal(query.model.refId ?? query.refId, query.refId, `${rule.uid}: model refId`);
        if (query.datasourceUid === '__expr__') {
          const expression = query.model.expression ?? '';
          const used =
            query.model.type === 'math'
              ? [...expression.matchAll(/\$\{?([A-Za-z]\w*)\}?/g)].map((m) => m[1])
              : [expression];
          assert.ok(used.length > 0, `${rule.uid}: ${query.refId} uses no query`);
          for (const refId of used)
            assert.ok(refIds.includes(refId ?? ''), `${rule.uid}: ${query.refId} uses unknown ${refId}`);
        } else {
          assert.ok(byUid.has(query.datasourceUid), `${rule.uid}: unknown datasource ${query.datasourceUid}`);
          assert.ok(query.model.expr, `${rule.uid}: ${query.refId} has no expr`);
        }
      }
    }
  });
});
