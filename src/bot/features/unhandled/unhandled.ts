import { Composer } from 'grammy';
import { fitText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { mainMenuKeyboard } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';

/**
 * Messages a user sends on purpose that no feature took (https://core.telegram.org/bots/api#message).
 * Text and documents are listed too: one no feature wanted (a short text, a PDF) still gets an answer.
 */
const UNSUPPORTED_CONTENT = [
  'message:text',
  'message:animation',
  'message:audio',
  'message:document',
  'message:photo',
  'message:video',
  'message:video_note',
  'message:voice',
  'message:contact',
  'message:dice',
  'message:poll',
  'message:venue',
  'message:location',
  'message:story',
  'message:paid_media',
  'message:game',
] as const;

const composer = new Composer<BotContext>();
// Only private chats get a reply; in groups the bot stays quiet about what it does not understand.
const privateChat = composer.chatType('private');

privateChat.on('message:entities:bot_command', handledBy('unhandled'), async (ctx) => {
  // The command is echoed back: cut between characters, or half an emoji makes Telegram refuse the reply.
  const command = fitText(ctx.message.text?.split(/\s/, 1)[0] ?? '', 64);
  await ctx.reply(ctx.t('unknown-command', { command }));
});

// A sticker is usually a greeting or a reaction: a friendly pointer to what the bot does.
privateChat.on('message:sticker', handledBy('unhandled'), async (ctx) => {
  await ctx.reply(ctx.t('sticker-hint'), { reply_markup: mainMenuKeyboard(ctx) });
});

// Voice, video, a location, a photo nobody asked for…: one short answer, nothing charged.
privateChat.on([...UNSUPPORTED_CONTENT], handledBy('unhandled'), async (ctx) => {
  await ctx.reply(ctx.t('unsupported-message'));
});

// Service messages (a pin, an auto-delete timer, a background change) are no request: not answered.
privateChat.on('message', handledBy('ignored'));

// A button from an old message, or one whose feature is gone: tell the user instead of spinning forever.
composer.on('callback_query', handledBy('unhandled'), async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
});

// Edited messages, channel posts and anything else: deliberately ignored.
composer.use(handledBy('ignored'));

/** The catch-all, mounted last. */
export const unhandledFeature = composer;
