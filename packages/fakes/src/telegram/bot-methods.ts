import type { BotCommand } from 'grammy/types';
import { badRequest } from './api-error.ts';
import type { MethodContext } from './method-context.ts';

/** getMe */
export function getMe(ctx: MethodContext): unknown {
  return ctx.bot.me;
}

/** setMyCommands: commands are 1–32 of [a-z0-9_], descriptions 1–256 chars. */
export function setMyCommands(ctx: MethodContext): unknown {
  const commands = ctx.params.json<BotCommand[]>('commands', 'commands');
  if (!Array.isArray(commands)) throw badRequest('commands is empty');
  if (commands.length > 100) throw badRequest('too many commands');
  for (const c of commands) {
    if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
      throw badRequest('BOT_COMMAND_INVALID');
    }
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
  ctx.bot.commands.set(
    commandsKey(ctx),
    commands.map((c) => ({ command: c.command, description: c.description })),
  );
  return true;
}

/** getMyCommands */
export function getMyCommands(ctx: MethodContext): unknown {
  return ctx.bot.commands.get(commandsKey(ctx)) ?? [];
}

/** deleteMyCommands */
export function deleteMyCommands(ctx: MethodContext): unknown {
  ctx.bot.commands.delete(commandsKey(ctx));
  return true;
}

/** Command lists are kept per scope and language, as Telegram does. */
function commandsKey(ctx: MethodContext): string {
  const scope = ctx.params.json<Record<string, unknown>>('scope', 'scope') ?? { type: 'default' };
  return `${JSON.stringify(scope)}|${ctx.params.string('language_code') ?? ''}`;
}
