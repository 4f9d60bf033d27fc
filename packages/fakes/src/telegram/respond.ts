import type { ServerResponse } from 'node:http';
import type { ApiError } from './api-error.ts';

/** Answers with JSON as the Bot API does; resolves once the answer reached the socket. */
export function respond(res: ServerResponse, status: number, body: unknown): Promise<void> {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(json)),
  });
  return endResponse(res, json);
}

/** Answers with the Bot API's error body for `error`. */
export function respondError(res: ServerResponse, error: ApiError): Promise<void> {
  return respond(res, error.errorCode, error.toJSON());
}

/** Resolves once the answer reached the socket, so stop() does not cut it off. */
export function endResponse(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    // A client that already hung up (an aborted long poll) emits no further 'close' nor end callback.
    if (res.destroyed || res.socket?.destroyed) {
      resolve();
      return;
    }
    res.once('close', resolve);
    res.end(chunk, () => resolve());
  });
}
