import type { IncomingMessage } from 'node:http';

/** Reads a request body into one buffer; rejects once it exceeds `maxBytes`. */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
