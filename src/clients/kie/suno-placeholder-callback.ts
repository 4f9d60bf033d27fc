/**
 * Suno's generate requires `callBackUrl` (kie-api.md §7). When the bot has no public URL it sends this
 * one and polls record-info instead. The `.invalid` top-level domain never resolves (RFC 6761 §6.4), so
 * KIE's callback fails at DNS and no task data reaches anyone; KIE re-sends a few times and gives up.
 * UNCERTAIN: KIE might one day reject unreachable URLs at create time; that would surface as a 422.
 */
export const SUNO_PLACEHOLDER_CALLBACK_URL = 'https://callback.invalid/kie/suno';
