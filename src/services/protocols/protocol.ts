/** One action item: what to do and who does it, when the text says. */
export interface ActionItem {
  readonly task: string;
  readonly owner: string | undefined;
}

/** The structured protocol delivered to the user. */
export interface Protocol {
  readonly summary: string;
  readonly decisions: readonly string[];
  readonly actionItems: readonly ActionItem[];
  readonly openQuestions: readonly string[];
}
