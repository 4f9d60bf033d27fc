import type { IncomingMessage } from 'node:http';
import { ApiError, blockedByUser, serverError, tooManyRequests } from './api-error.ts';
import type { Fault } from './types.ts';

/** Thrown inside request handling to hang up without answering. */
export class DropConnection extends Error {}

/** Turns an injected fault into the failure it stands for: an API error, or a dropped connection. */
export function failWithFault(fault: Fault, req: IncomingMessage): never {
  const withDescription = (error: ApiError): ApiError =>
    fault.description ? new ApiError(error.errorCode, fault.description, error.parameters) : error;
  switch (fault.kind) {
    case '429':
      throw withDescription(tooManyRequests(fault.retryAfter ?? 1));
    case '5xx':
      throw withDescription(serverError(fault.status ?? 500));
    case 'blocked':
      throw withDescription(blockedByUser());
    default:
      req.socket.destroy();
      throw new DropConnection();
  }
}
