/** Readers for loosely typed KIE JSON: empty strings count as absent (kie-api.md §2 uses '' for "none"). */

/** A non-empty string, or a number as its string (failCode may come as either). */
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** A finite number. */
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The strings of an array. */
export const urls = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string' && u !== '') : undefined;

/** A plain object. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes a field that KIE sends as a JSON string (`param`, `resultJson`); undefined when it is not one. */
export function parseJsonString(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Drops undefined fields, so parsed objects compare and print cleanly. */
export function compact<T extends Record<string, unknown>>(fields: T): T {
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields;
}
