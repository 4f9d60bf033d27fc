/**
 * Grapheme clusters that UTF-16 cuts break, each one user-perceived character: the test strings are
 * built from these, so where the boundaries are is known without asking Intl.Segmenter.
 */
export const CLUSTERS: Readonly<Record<string, string>> = {
  emoji: '😀', // a surrogate pair
  skinTone: '👍🏽', // emoji + modifier
  family: '👨‍👩‍👧‍👦', // four emoji joined by U+200D: 11 units
  flag: '🇷🇺', // two regional indicators
  tagFlag: '🏴󠁧󠁢󠁳󠁣󠁴󠁿', // black flag + tag characters (Scotland): 14 units
  keycap: '1️⃣', // digit + VS16 + combining keycap
  accent: 'e\u0301', // e + combining acute
  stacked: 'a\u0308\u0301\u0323', // a with three combining marks
  cyrillic: 'и\u0306', // й written as и + combining breve
  hangul: '\u1100\u1161\u11A8', // 각 as conjoining jamo
  crlf: '\r\n',
};

/** A text made of `parts` plus the UTF-16 offsets of every boundary between them. */
export function build(parts: readonly string[]): { text: string; boundaries: Set<number> } {
  const boundaries = new Set<number>([0]);
  let text = '';
  for (const part of parts) {
    text += part;
    boundaries.add(text.length);
  }
  return { text, boundaries };
}

/** True when the string has no lone surrogate, checked two ways. */
export const wellFormed = (s: string) => s.isWellFormed() && !/\p{Cs}/u.test(s);
