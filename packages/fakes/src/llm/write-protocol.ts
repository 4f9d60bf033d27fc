import { extractFindings, type Findings, type FoundAction } from './extract-findings.ts';

// Inside the bot's synthesis budget (2,000 tokens ≈ 8,000 characters), so the JSON is never cut.
const PROTOCOL_MAX_CHARS = 7000;
const SUMMARY_MAX_CHARS = 1200;

/** The answer's shape, as the bot's synthesis prompt asks for it. */
interface ProtocolJson {
  summary: string;
  decisions: string[];
  action_items: Array<{ task: string; owner: string | null }>;
  open_questions: string[];
}

/**
 * The synthesis: the notes of every part (`[1/3] …\n\n[2/3] …`, or one plain text) joined into one
 * protocol, as the JSON the bot's prompt asks for. The summary is each part's opening sentences in
 * order; decisions, action items and questions are merged in order with duplicates dropped.
 */
export function writeProtocol(notes: string): string {
  const parts = splitParts(notes).map(extractFindings);
  const protocol: ProtocolJson = {
    summary: joinSummary(parts),
    decisions: unique(parts.flatMap((p) => p.decisions)),
    action_items: uniqueActions(parts.flatMap((p) => p.actions)),
    open_questions: unique(parts.flatMap((p) => p.questions)),
  };
  // Drop the last items of the longest list until the answer fits; a real model summarises harder.
  let json = JSON.stringify(protocol);
  while (json.length > PROTOCOL_MAX_CHARS) {
    const lists = [protocol.decisions, protocol.action_items, protocol.open_questions];
    const longest = lists.reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length === 0) break;
    longest.pop();
    json = JSON.stringify(protocol);
  }
  return json;
}

/** The `[i/n]` parts of the synthesis input, in order; a text without markers is one part. */
function splitParts(text: string): string[] {
  const parts = text.split(/^\[\d+\/\d+\]\s*/m).filter((p) => p.trim() !== '');
  return parts.length > 0 ? parts : [text];
}

function joinSummary(parts: readonly Findings[]): string {
  let summary = '';
  for (const sentence of parts.flatMap((p) => p.summary)) {
    const next = summary === '' ? sentence : `${summary} ${sentence}`;
    if (next.length > SUMMARY_MAX_CHARS) return summary === '' ? sentence : `${summary} …`;
    summary = next;
  }
  return summary;
}

const key = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s.!?…]+/g, ' ')
    .trim();

function unique(items: readonly string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

function uniqueActions(items: readonly FoundAction[]): Array<{ task: string; owner: string | null }> {
  const seen = new Set<string>();
  return items
    .filter((a) => !seen.has(key(a.task)) && Boolean(seen.add(key(a.task))))
    .map((a) => ({ task: a.task, owner: a.owner ?? null }));
}
