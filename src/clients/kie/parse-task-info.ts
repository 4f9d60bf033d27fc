import { compact, num, parseJsonString, str, urls } from './read-fields.ts';
import type { KieTaskInfo } from './types.ts';

// Spellings some clients accept although the docs do not list them (kie-api.md §2, §9 row 4).
const STATE_ALIASES: Readonly<Record<string, string>> = { completed: 'success', failed: 'fail' };

/** What KIE says it charged: `consumeCredits` (§2, §5) or `creditsConsumed` (§11); both optional (§9 row 5). */
export function creditsOf(data: Record<string, unknown>): number | undefined {
  return num(data.consumeCredits) ?? num(data.creditsConsumed);
}

/** Parses recordInfo `data`; `param` and `resultJson` are JSON strings (§2). */
export function parseTaskInfo(data: Record<string, unknown>, taskId: string): KieTaskInfo {
  const rawState = str(data.state) ?? 'unknown';
  const state = STATE_ALIASES[rawState] ?? rawState;
  const result = parseJsonString(data.resultJson) as
    | { resultUrls?: unknown; resultWaterMarkUrls?: unknown }
    | undefined;
  const fields: Record<string, unknown> = {
    taskId: str(data.taskId) ?? taskId,
    model: str(data.model) ?? '',
    state,
    done: state === 'success' || state === 'fail',
    resultUrls: urls(result?.resultUrls),
    resultWaterMarkUrls: urls(result?.resultWaterMarkUrls),
    failCode: str(data.failCode),
    failMsg: str(data.failMsg),
    param: parseJsonString(data.param),
    costTime: num(data.costTime),
    consumeCredits: creditsOf(data),
    remainedCredits: num(data.remainedCredits),
    createTime: num(data.createTime),
    updateTime: num(data.updateTime),
    completeTime: num(data.completeTime),
  };
  return compact(fields) as unknown as KieTaskInfo;
}

/** Credits `data`: a number, or the first numeric field of an object (§6, §9 row 12). */
export function parseCredits(data: unknown): number | undefined {
  if (num(data) !== undefined) return data as number;
  if (data === null || typeof data !== 'object') return undefined;
  const obj = data as Record<string, unknown>;
  for (const key of ['credits', 'credit', 'balance', 'remainedCredits'])
    if (num(obj[key]) !== undefined) return obj[key] as number;
  return Object.values(obj).find((v) => num(v) !== undefined) as number | undefined;
}
