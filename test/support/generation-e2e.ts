import { createKieFake, type KieFake, type KieFakeOptions, type TaskBehaviour } from '@tg-genbot/fakes/kie';
import type { ChatMessage, FakeUser } from '@tg-genbot/fakes/telegram';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import { createUserService } from '../../src/services/user.service.ts';
import { type BotHarness, type HarnessOptions, startBotHarness } from './bot-harness.ts';

export const KIE_TEST_KEY = 'kie-e2e-key-0123456789abcdef';
/** Every state passes in a few tens of ms. */
export const FAST: NonNullable<TaskBehaviour['stateDurationsMs']> = {
  waiting: 40,
  queuing: 40,
  generating: 120,
};

/** The bot against the Telegram fake and a fast KIE fake, polling every 50 ms. */
export interface GenerationE2e extends BotHarness {
  readonly kie: KieFake;
  /** Gives a (new) user credits straight through the ledger. */
  fund(userId: number, credits: number): Promise<void>;
  balance(userId: number): Promise<number>;
  dispose(): Promise<void>;
}

export async function startGenerationE2e(
  options: HarnessOptions & { kie?: KieFakeOptions; kieFake?: KieFake } = {},
): Promise<GenerationE2e> {
  const kie = options.kieFake ?? createKieFake({ apiKey: KIE_TEST_KEY, rateLimits: false, ...options.kie });
  if (!options.kieFake) await kie.start();
  const h = await startBotHarness({
    ...options,
    env: {
      KIE_API_KEY: KIE_TEST_KEY,
      KIE_BASE_URL: kie.baseUrl,
      KIE_UPLOAD_BASE_URL: kie.baseUrl,
      GENERATION_POLL_MS: '50',
      GENERATION_STATUS_INTERVAL_MS: '0',
      ...options.env,
    },
  });
  const billing = createBillingService(h.database.db);
  return {
    ...h,
    kie,
    async fund(userId, credits) {
      await createUserService(h.database.db).touch(userId);
      await billing.topUp(userId, credits, { idempotencyKey: `fund-${userId}-${credits}` });
    },
    balance: (userId) => billing.balance(userId),
    async dispose() {
      await h.dispose();
      if (!options.kieFake) await kie.stop();
    },
  };
}

type Button = { text: string; callback_data?: string };

/** The inline buttons of a message, flattened. */
export function buttonsOf(m: Pick<ChatMessage, 'replyMarkup'>): Button[] {
  const markup = m.replyMarkup as { inline_keyboard?: Button[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat();
}

/**
 * Walks Generate → kind → model → prompt, returns the confirmation message. `photo` is sent (with
 * the prompt as caption) for models that need one.
 */
export async function openConfirmation(
  user: FakeUser,
  kind: RegExp,
  model: RegExp,
  prompt: string,
  photo?: Uint8Array,
): Promise<ChatMessage> {
  await user.sendCommand('/generate');
  await user.waitForMessage((m) => /What would you like to make/.test(m.text ?? ''));
  await user.pressButton({ text: kind });
  await user.waitForMessage((m) => /Pick a model/.test(m.text ?? ''));
  await user.pressButton({ text: model });
  await user.waitForMessage((m) => /Send me/.test(m.text ?? ''));
  if (photo) await user.sendPhoto({ content: photo, caption: prompt });
  else await user.sendText(prompt);
  return user.waitForMessage((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text)));
}
