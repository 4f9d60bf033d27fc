import { InlineKeyboard } from 'grammy';
import { MENU } from '../../keyboards/main-menu.ts';

/**
 * Callback data of the buttons under a generation's status message. They carry the generation id;
 * the handler checks the owner, so a forged or old button is refused, never acted on.
 */
export const AFTER = {
  /** Same model and options, back to the confirmation (nothing is charged before Confirm). */
  again: 'gen:again',
  /** Cancel a generation that has not reached KIE yet (refunds it). */
  cancel: 'gen:stop',
} as const;

/** Translates a message key in the generation's language (workers have no update context). */
export type Translate = (key: string) => string;

/** Under a delivered or failed generation: Again, New, Menu. */
export function afterGenerationKeyboard(t: Translate, generationId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('gen-again'), `${AFTER.again}:${generationId}`)
    .text(t('gen-new'), MENU.generate)
    .text(t('menu-main'), MENU.main);
}

/** Under a status message while the generation waits to be sent to KIE: Cancel. */
export function queuedGenerationKeyboard(t: Translate, generationId: string): InlineKeyboard {
  return new InlineKeyboard().text(t('gen-cancel-queued'), `${AFTER.cancel}:${generationId}`);
}

/** A message's inline keyboard, as a callback query carries it. */
interface WithKeyboard {
  readonly reply_markup?: { readonly inline_keyboard: ReadonlyArray<ReadonlyArray<object>> } | undefined;
}

/**
 * True when a pressed button sits under a generation's final status (it has Again). New and Menu then
 * send a new message rather than edit this one, so the status (what was made, the refund, the error
 * reference) and its Again button stay in the chat.
 */
export function isAfterGeneration(message: WithKeyboard | undefined): boolean {
  return (message?.reply_markup?.inline_keyboard ?? []).some((row) =>
    row.some(
      (button) =>
        'callback_data' in button &&
        typeof button.callback_data === 'string' &&
        button.callback_data.startsWith(`${AFTER.again}:`),
    ),
  );
}
