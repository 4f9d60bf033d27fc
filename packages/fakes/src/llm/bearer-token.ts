import type { IncomingMessage } from 'node:http';

/** The token of an `Authorization: Bearer …` header, if the request has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
}
