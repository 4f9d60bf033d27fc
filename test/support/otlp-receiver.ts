import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/HTTP export request as received. */
export interface OtlpRequest {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A local OTLP/HTTP receiver (what the Collector would be) that keeps every byte it is sent. */
export interface OtlpReceiver {
  readonly endpoint: string;
  requests(): readonly OtlpRequest[];
  /** JSON bodies of one signal (http/json protocol). */
  // biome-ignore lint/suspicious/noExplicitAny: OTLP JSON is walked ad hoc by each test.
  json(signal: 'traces' | 'logs' | 'metrics'): any[];
  /** Everything received, as one string, for secret scans. */
  raw(): string;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: OtlpRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks),
      });
      const json = String(req.headers['content-type']).includes('json');
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => received,
    json: (signal) =>
      received
        .filter((r) => r.path === `/v1/${signal}` && r.contentType.includes('json'))
        .map((r) => JSON.parse(r.body.toString('utf8'))),
    raw: () => received.map((r) => r.body.toString('latin1')).join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Env for a bot process exporting http/json to the receiver, flushing fast enough for a test. */
export function fastExportEnv(receiver: OtlpReceiver): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
  };
}
