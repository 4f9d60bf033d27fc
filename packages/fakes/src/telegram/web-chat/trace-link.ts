import type { WireTrace } from './wire.ts';

/** The Tempo datasource's fixed uid (grafana/provisioning/datasources/datasources.yaml). */
export const TEMPO_DATASOURCE_UID = 'tempo';

/**
 * A Grafana Explore link that opens one trace in the Tempo datasource, in Explore's URL schema 1
 * (`panes`, https://grafana.com/docs/grafana/latest/explore/#generate-explore-urls-from-external-tools).
 * A trace-id query ignores the range; it only bounds the search when Tempo looks the id up.
 */
export function traceLink(grafanaUrl: string, traceId: string): WireTrace {
  const pane = {
    datasource: TEMPO_DATASOURCE_UID,
    queries: [
      {
        refId: 'A',
        datasource: { type: 'tempo', uid: TEMPO_DATASOURCE_UID },
        queryType: 'traceql',
        query: traceId,
      },
    ],
    range: { from: 'now-24h', to: 'now' },
  };
  const params = new URLSearchParams({
    schemaVersion: '1',
    panes: JSON.stringify({ trace: pane }),
    orgId: '1',
  });
  return { traceId, url: `${grafanaUrl.replace(/\/+$/, '')}/explore?${params}` };
}
