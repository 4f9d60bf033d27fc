import type { ServerResponse } from 'node:http';
import { sendJson } from '../shared/send-json.ts';
import type { ErrorResponse } from './error-bodies.ts';
import type { LlmRequestRecord } from './types.ts';

/** Sends an error response and records its status on the call. */
export function replyError(res: ServerResponse, rec: LlmRequestRecord, err: ErrorResponse): void {
  rec.status = err.status;
  sendJson(res, err.status, err.body, err.headers);
}
