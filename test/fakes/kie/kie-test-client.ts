import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KieFake } from '../../../packages/fakes/src/kie/index.ts';

/** A parsed KIE reply. */
export interface KieReply {
  status: number;
  body: { code: number; msg?: string; message?: string; data?: unknown };
  headers: Headers;
}

/** Calls the fake like a well-behaved client: Bearer key, JSON, explicit User-Agent. */
export async function kieCall(
  fake: KieFake,
  path: string,
  body?: unknown,
  opts: { key?: string; headers?: Record<string, string> } = {},
): Promise<KieReply> {
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${opts.key ?? 'kie-test-key'}`,
      'Content-Type': 'application/json',
      'User-Agent': 'tg-genbot-test/1.0',
      ...opts.headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as KieReply['body'], headers: res.headers };
}

/** A create body for google/nano-banana. */
export function nanoBanana(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'google/nano-banana',
    input: { prompt: 'a red fox in snow', aspect_ratio: '1:1' },
    ...extra,
  };
}

/** Resolves once `predicate` holds, polling every few ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One request the receiver got. */
export interface ReceivedCallback {
  /** Path and query string the callback was posted to. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
}

/** A local webhook receiver that answers with the given statuses in turn (then 200). */
export async function startReceiver(statuses: number[] = []): Promise<{
  url: string;
  received: ReceivedCallback[];
  close: () => Promise<void>;
}> {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw) as Record<string, unknown>,
        raw,
      });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kie/callback?job=42`,
    received,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
