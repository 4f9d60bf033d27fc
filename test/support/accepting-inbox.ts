import type { UpdateInbox } from '../../src/services/updates/update-inbox.ts';

/** An inbox that takes every update as new, on its last attempt (tests of one handler without a database). */
export function acceptingInbox(): UpdateInbox {
  return {
    claim: async (botId, update) => ({ botId, updateId: update.update_id, attempt: 1, final: true }),
    complete: async () => {},
    retryLater: async () => {},
    releaseOwn: async () => 0,
    due: async () => [],
  };
}
