import type { ActionItem, Protocol } from './protocol.ts';

type Section = 'summary' | 'decisions' | 'actions' | 'questions';

const HEADINGS: ReadonlyArray<[Section, RegExp]> = [
  ['summary', /summary|overview|резюме|итог|кратко/i],
  ['decisions', /decision|решени/i],
  ['actions', /action|task|to-?do|задач|поручени|действи/i],
  ['questions', /question|open issue|вопрос/i],
];

// Placeholder lines models write for an empty section ("None.", "No action items recorded.").
const PLACEHOLDER = /^(none|n\/a|nothing|no\b.*\b(recorded|found|mentioned)|нет|отсутствуют)\.?$/i;
const BULLET = /^\s*(?:[-*•–]|\d+[.)])\s+(?:\[[ xX]\]\s*)?/;
const OWNER_SUFFIX =
  /\s*(?:[—–-]\s*|\()\s*(?:owner|responsible|assignee|ответственн\p{L}*|исполнител\p{L}*)\s*:\s*([^)]+?)\)?\s*$/iu;
// "Ann will send…", "Борис должен…": a capitalised name followed by a verb of commitment.
const NAMED_SUBJECT =
  /^(\p{Lu}[\p{L}'-]+(?:\s\p{Lu}[\p{L}'-]+)?)\s+(?:will|shall|should|must|needs to|is to|to|должн\p{L}*|будет|нужно|подготовит|отправит|сделает)(?!\p{L})/u;
const GENERIC_SUBJECTS =
  /^(we|they|it|this|that|the|these|those|everyone|someone|nobody|team|the team|мы|они|это|все|команда)$/i;

/**
 * Reads the synthesis answer into a Protocol: the JSON shape the prompt asks for, or, because models
 * (and our fake) sometimes answer in Markdown, sections under Summary / Decisions / Action items /
 * Open questions headings. Anything unrecognisable becomes the summary, so nothing the model wrote is lost.
 */
export function parseProtocol(text: string): Protocol {
  return fromJson(text) ?? fromMarkdown(text);
}

function fromJson(text: string): Protocol | undefined {
  const body = text.replace(/^\s*```(?:json)?\s*/i, '').replace(/\s*```\s*$/, '');
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.summary !== 'string') return undefined;
  const strings = (x: unknown): string[] =>
    Array.isArray(x)
      ? x.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim())
      : [];
  const items = Array.isArray(v.action_items ?? v.actionItems)
    ? ((v.action_items ?? v.actionItems) as unknown[])
    : [];
  const actionItems: ActionItem[] = items.flatMap((item): ActionItem[] => {
    if (typeof item === 'string') return item.trim() ? [actionItem(item)] : [];
    if (typeof item !== 'object' || item === null) return [];
    const { task, owner } = item as { task?: unknown; owner?: unknown };
    if (typeof task !== 'string' || task.trim() === '') return [];
    const named = typeof owner === 'string' && owner.trim() !== '' ? owner.trim() : undefined;
    return [named ? { task: task.trim(), owner: named } : actionItem(task)];
  });
  return {
    summary: v.summary.trim(),
    decisions: strings(v.decisions).filter((s) => !PLACEHOLDER.test(s)),
    actionItems: actionItems.filter((a) => !PLACEHOLDER.test(a.task)),
    openQuestions: strings(v.open_questions ?? v.openQuestions).filter((s) => !PLACEHOLDER.test(s)),
  };
}

function fromMarkdown(text: string): Protocol {
  const found: Record<Section, string[]> = { summary: [], decisions: [], actions: [], questions: [] };
  let section: Section | undefined;
  let recognised = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const heading = /^(?:#{1,6}\s*(.+?)\s*#*|\*\*(.+?)\*\*:?|__(.+?)__:?)$/.exec(line);
    const title = heading ? (heading[1] ?? heading[2] ?? heading[3] ?? '') : undefined;
    if (title !== undefined) {
      const match = HEADINGS.find(([, re]) => re.test(title));
      section = match?.[0];
      recognised ||= section !== undefined;
      continue;
    }
    if (!section) continue;
    const item = line.replace(BULLET, '').trim();
    if (item !== '') found[section].push(item);
  }
  if (!recognised) return { summary: text.trim(), decisions: [], actionItems: [], openQuestions: [] };
  const keep = (items: string[]) => items.filter((s) => !PLACEHOLDER.test(s));
  return {
    summary: found.summary.join(' '),
    decisions: keep(found.decisions),
    actionItems: keep(found.actions).map(actionItem),
    openQuestions: keep(found.questions),
  };
}

/** An action item with its owner taken from "— owner: X" / "(owner: X)", or from a named subject. */
export function actionItem(text: string): ActionItem {
  const trimmed = text.trim();
  const suffix = OWNER_SUFFIX.exec(trimmed);
  if (suffix?.[1]) return { task: trimmed.slice(0, suffix.index).trim(), owner: suffix[1].trim() };
  const subject = NAMED_SUBJECT.exec(trimmed)?.[1];
  if (subject && !GENERIC_SUBJECTS.test(subject)) return { task: trimmed, owner: subject };
  return { task: trimmed, owner: undefined };
}
