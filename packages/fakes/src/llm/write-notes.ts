import {
  clip,
  extractFindings,
  type FoundAction,
  isMostlyCyrillic,
  sentencesOf,
} from './extract-findings.ts';

// Well inside the bot's segment budget (800 tokens ≈ 3,200 characters at the fake's 4 per token),
// so notes are never cut with finish_reason "length".
const NOTES_MAX_CHARS = 3000;

const LABELS = {
  en: {
    summary: 'Summary',
    decision: 'Decision',
    action: 'Action item',
    question: 'Question',
    owner: 'owner',
  },
  ru: {
    summary: 'Кратко',
    decision: 'Решение',
    action: 'Задача',
    question: 'Вопрос',
    owner: 'ответственный',
  },
} as const;

/**
 * A part's notes, one labelled line per finding, in the text's language ("Decision: …",
 * "Задача: … (ответственный: Борис)"), closed by a line with the reference and counts. The synthesis
 * reads these labels back, so what a part says reaches the protocol.
 */
export function writeNotes(text: string, ref: string): string {
  const found = extractFindings(text);
  const l = isMostlyCyrillic(text) ? LABELS.ru : LABELS.en;
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  const summary = found.summary.join(' ') || clip(sentencesOf(text)[0] ?? '(empty message)');
  const lines = [
    ...found.decisions.map((d) => `${l.decision}: ${d}`),
    ...found.actions.map((a) => `${l.action}: ${actionText(a, l.owner)}`),
    ...found.questions.map((q) => `${l.question}: ${q}`),
  ];
  const head = `${l.summary}: ${summary}`;
  const tail = `Ref: ${ref} (${words} words, ${sentencesOf(text).length} sentences)`;
  let budget = NOTES_MAX_CHARS - head.length - tail.length - 2;
  const kept: string[] = [];
  for (const line of lines) {
    budget -= line.length + 1;
    if (budget >= 0) kept.push(line);
  }
  return [head, ...kept, tail].join('\n');
}

function actionText(action: FoundAction, ownerWord: string): string {
  return action.owner ? `${action.task} (${ownerWord}: ${action.owner})` : action.task;
}
