import { KieReject } from './kie-reject.ts';

/** A non-blank string, or a 422 naming the field. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new KieReject(422, `${name} is required`);
  return value;
}

/** An optional callBackUrl must parse as a URL. */
export function checkCallBackUrl(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !URL.canParse(value))
    throw new KieReject(422, 'callBackUrl must be a valid URL');
}
