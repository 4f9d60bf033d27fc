/** What a handler answers with: `data` under code 200, after an optional delay (slow create, §9 row 16). */
export interface HandlerResult {
  readonly data?: unknown;
  readonly msg?: string;
  readonly delayMs?: number | undefined;
}

/** One API endpoint of the fake; it throws KieReject to answer with an error code. */
export interface EndpointHandler {
  /** How the request body is decoded before `handle` sees it. */
  readonly body: 'json' | 'multipart';
  handle(url: URL, body: unknown): HandlerResult | Promise<HandlerResult>;
}
