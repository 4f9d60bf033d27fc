/** An action item as the fake found it: the task, and its owner when the text names one. */
export interface FoundAction {
  readonly task: string;
  readonly owner: string | undefined;
}

/** What the fake reads out of one text: a part of the long text, or one part's notes. */
export interface Findings {
  /** The first sentences that are not themselves a decision, task or question. */
  readonly summary: readonly string[];
  readonly decisions: readonly string[];
  readonly actions: readonly FoundAction[];
  readonly questions: readonly string[];
}

/** Longest item, in code points; longer ones are cut at a word with "…". */
export const ITEM_MAX = 200;
const SUMMARY_SENTENCES = 2;

type Label = 'summary' | 'decision' | 'action' | 'question' | 'meta';

// "Decision: …", "- Action item: …", "Ann: Задача: …": a label, optionally after a bullet or a speaker.
const LABELS: ReadonlyArray<[Label, string]> = [
  ['summary', 'summary|кратко|резюме'],
  ['decision', 'decisions?|decided|resolution|решение|решения|решили|решено'],
  ['action', 'action items?|actions?|to-?do|tasks?|задача|задачи|поручение|действие'],
  ['question', 'open questions?|questions?|открытый вопрос|вопрос|вопросы'],
  ['meta', 'ref|notes ref'],
];
const LABELLED = new RegExp(
  `^(?:[-*•]\\s*)?(?:[\\p{L}][\\p{L} .'-]{0,30}:\\s+)?(${LABELS.map(([, re]) => re).join('|')})\\s*:\\s*(.*)$`,
  'iu',
);
// Unlabelled sentences that still read as a decision or a commitment (the old heuristics, kept).
const DECISION = /\b(decid\w*|agreed?|approv\w*|resolved)\b|решил|решено|согласова|утверд/i;
const ACTION = /\b(todo|must|need to|will|assign\w*)\b|нужно|надо|должн|поручи/i;
// "(Ann)", "(owner: Ann)", "(ответственный: Борис)", "— owner: Ann" at the end of a task.
const OWNER =
  /\s*(?:\(\s*(?:(?:owner|responsible|assignee|ответственн\p{L}*|исполнител\p{L}*)\s*:\s*)?(\p{L}[\p{L} .'-]{0,40}?)\s*\)|[—–-]\s*(?:owner|responsible|ответственн\p{L}*)\s*:\s*(.{1,60}?))\s*[.!]?$/iu;

/** Splits into sentences at ". ", "! ", "? ", "… " and line breaks. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Cuts `text` to `max` code points at a word boundary, with "…". */
export function clip(text: string, max = ITEM_MAX): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const atWord = head.replace(/\s+\S*$/, '');
  return `${atWord.length > max / 2 ? atWord : head}…`;
}

/** Reads decisions, action items, questions and the opening sentences out of `text`, in its order. */
export function extractFindings(text: string): Findings {
  const summary: string[] = [];
  const decisions: string[] = [];
  const actions: FoundAction[] = [];
  const questions: string[] = [];
  const prose: string[] = [];
  for (const sentence of unitsOf(text)) {
    const labelled = LABELLED.exec(sentence);
    const label = labelled ? labelOf(labelled[1] ?? '') : undefined;
    const body = capitalised((labelled?.[2] ?? sentence).trim());
    if (label === 'meta' || body === '') continue;
    if (label === 'summary') summary.push(clip(body));
    else if (label === 'decision') decisions.push(clip(body));
    else if (label === 'action') actions.push(actionOf(body));
    else if (label === 'question' || body.endsWith('?')) questions.push(clip(body));
    else if (DECISION.test(body)) decisions.push(clip(body));
    else if (ACTION.test(body)) actions.push(actionOf(body));
    else prose.push(body);
  }
  // Notes carry their own summary line; a raw text is summed up by its first plain sentences.
  if (summary.length === 0) summary.push(...prose.slice(0, SUMMARY_SENTENCES).map((s) => clip(s)));
  return { summary, decisions, actions, questions };
}

/** A labelled line is one unit, whatever its sentences; other lines split into sentences. */
function unitsOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => (LABELLED.test(line.trim()) ? [line.trim()] : sentencesOf(line)));
}

function capitalised(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined) return text;
  const char = String.fromCodePoint(first);
  return char.toLocaleUpperCase() + text.slice(char.length);
}

function labelOf(word: string): Label | undefined {
  return LABELS.find(([, re]) => new RegExp(`^(?:${re})$`, 'i').test(word.trim()))?.[0];
}

function actionOf(text: string): FoundAction {
  const match = OWNER.exec(text);
  const owner = (match?.[1] ?? match?.[2])?.trim();
  if (!match || !owner) return { task: clip(text), owner: undefined };
  const task = text
    .slice(0, match.index)
    .trim()
    .replace(/[,;:]$/, '');
  return { task: clip(task || text), owner: clip(owner, 60) };
}

/** True when the text is mostly Cyrillic: the notes are then written with Russian labels. */
export function isMostlyCyrillic(text: string): boolean {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic > latin;
}
