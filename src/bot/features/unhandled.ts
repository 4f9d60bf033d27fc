import { Composer } from 'grammy';
import { fitText } from '../../text/cut-text.ts';
import type { BotContext } from '../context.ts';
import { handledBy } from '../middlewares/handled-by.ts';

const composer = new Composer<BotContext>();
// Only private chats get a reply; in groups the bot stays quiet about what it does not understand.
const privateChat = composer.chatType('private');

privateChat.on('message:entities:bot_command', handledBy('unhandled'), async (ctx) => {
  // The command is echoed back: cut between characters, or half an emoji makes Telegram refuse the reply.
  const command = fitText(ctx.message.text?.split(/\s/, 1)[0] ?? '', 64);
  await ctx.reply(ctx.t('unknown-command', { command }));
});

privateChat.on('message', handledBy('unhandled'), async (ctx) => {
  await ctx.reply(ctx.t('unsupported-message'));
});

// A button from an old message, or one whose feature is gone: tell the user instead of spinning forever.
composer.on('callback_query', handledBy('unhandled'), async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
});

// Edited messages, channel posts and anything else: deliberately ignored.
composer.use(handledBy('ignored'));

/** The catch-all, mounted last. */
export const unhandledFeature = composer;
