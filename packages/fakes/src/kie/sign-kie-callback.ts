import { createHmac } from 'node:crypto';

/**
 * KIE webhook signature: base64(HMAC-SHA256(taskId + "." + timestamp, key)).
 * Scheme from https://docs.kie.ai/common-api/webhook-verification (secondary source, see kie-api.md §5).
 */
export function signKieCallback(taskId: string, timestamp: string, key: string): string {
  return createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64');
}
