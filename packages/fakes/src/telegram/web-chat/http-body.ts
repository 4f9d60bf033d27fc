import type { IncomingMessage } from 'node:http';
import { isRecord, readJsonBody } from '../../shared/read-json-body.ts';

/** Uploads from the page: Telegram's own limit for bots downloading files is 20 MB. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Thrown by a route to answer with a status and a message the page shows. */
export class HttpProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A JSON object body; `application/json` is required, which no cross-site form can send without CORS. */
export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!req.headers['content-type']?.startsWith('application/json'))
    throw new HttpProblem(415, 'send application/json');
  const body = await readJsonBody(req).catch(() => {
    throw new HttpProblem(400, 'body is not valid JSON');
  });
  if (!isRecord(body)) throw new HttpProblem(400, 'body must be a JSON object');
  return body;
}

/** The raw bytes of an upload: at most 20 MB, never empty. */
export async function rawBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD_BYTES) throw new HttpProblem(413, 'file is larger than 20 MB');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) throw new HttpProblem(400, 'the file is empty');
  return new Uint8Array(Buffer.concat(chunks));
}
