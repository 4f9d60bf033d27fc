import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import { sendJson } from '../../shared/send-json.ts';
import type { BotState } from '../bot-state.ts';
import type { FakeCore } from '../fake-core.ts';
import type { FakeUser, FakeUserInit, FaultSwitch, WebChatOptions } from '../types.ts';
import { ChatStreams } from './chat-streams.ts';
import { HttpProblem, jsonBody } from './http-body.ts';
import { PressLog } from './press-log.ts';
import { pressOfUpdate } from './press-of-update.ts';
import { receiveUpload } from './receive-upload.ts';
import { serveMedia } from './serve-media.ts';
import { serveWebFile } from './static-files.ts';
import { telegram429Switch } from './telegram-429-switch.ts';
import { toWireMessage, type WireContext } from './to-wire.ts';
import { toWireSwitches, toWireUsers } from './to-wire-lists.ts';
import { traceLink } from './trace-link.ts';
import type { WireEvent, WirePress, WireSwitch, WireUser } from './wire.ts';

const DEFAULT_GRAFANA_URL = 'http://localhost:3000';
/** The user a fresh page creates when there is none; the sandbox makes this id an admin. */
export const WEB_CHAT_FIRST_USER: WireUser = { id: 1001, name: 'You', language: 'en' };
/** What the page's sticker button offers; a sticker's emoji is what the page shows for it. */
const STICKER_EMOJI = ['👍', '😂', '❤️', '🔥', '🎉', '😢', '🤔', '👋'];
/** Said (neutrally, as Telegram clients stay quiet) for a button or invoice of a message the fake lost. */
const GONE = 'This message is no longer available.';

/**
 * The web chat: a browser Telegram client served by the fake at `/`, with a JSON API under
 * `/chat/api/` and live updates over server-sent events. It talks to the fake's default bot.
 * Presses and payments are kept here (they are updates, not messages); each update's trace comes
 * from the fake (the first Bot API call the bot made while handling it names the update in baggage).
 */
export class WebChat {
  private readonly core: FakeCore;
  private readonly grafanaUrl: string;
  private readonly switches: FaultSwitch[];
  private readonly mediaOrigins: Set<string>;
  private readonly adminIds: () => readonly number[];
  private readonly userFor: (init: FakeUserInit) => FakeUser;
  private readonly streams = new ChatStreams();
  private readonly presses: PressLog;

  constructor(core: FakeCore, options: WebChatOptions, userFor: (init: FakeUserInit) => FakeUser) {
    this.core = core;
    this.grafanaUrl = options.grafanaUrl ?? DEFAULT_GRAFANA_URL;
    this.switches = [telegram429Switch(core), ...(options.switches ?? [])];
    this.mediaOrigins = new Set((options.mediaOrigins ?? []).map((o) => new URL(o).origin));
    this.adminIds = options.adminIds ?? (() => []);
    this.userFor = userFor;
    // Presses are updates, not messages: kept here, and across restarts with the fake's data dir.
    this.presses = new PressLog(core);
    core.events.on('update', (e) => this.onUpdate(e.token, e.update));
    core.events.on('bot-message', (e) => this.onBotMessage(e.token, e.chatId, e.message.messageId));
    core.events.on('bot-edit', (e) => this.onBotMessage(e.token, e.chatId, e.message.messageId));
    core.events.on('chat-action', (e) => {
      if (e.token === this.token())
        this.broadcast(e.chatId, { type: 'action', action: e.action, ...this.traceField(e.traceId) });
    });
    core.events.on('callback-answer', (e) => {
      if (e.token !== this.token() || e.chatId === undefined) return;
      this.broadcast(e.chatId, {
        type: 'answer',
        ...(e.answer.text ? { text: e.answer.text } : {}),
        showAlert: e.answer.showAlert === true,
        ...(e.answer.url ? { url: e.answer.url } : {}),
        ...this.traceField(e.traceId),
      });
    });
    core.events.on('update-trace', (e) => {
      const chatId = this.presses.chatOf(e.updateId);
      if (e.token === this.token() && chatId !== undefined)
        this.broadcast(chatId, { type: 'trace', updateId: e.updateId, trace: this.link(e.traceId) });
    });
  }

  /** Answers the page and its API; false for any other path (the Bot API's). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path.startsWith('/web/'))) {
      const served = await serveWebFile(path === '/' ? 'index.html' : path.slice('/web/'.length), res);
      if (!served) sendJson(res, 404, { error: 'not found' });
      return true;
    }
    if (!path.startsWith('/chat/api/')) return false;
    try {
      await this.route(req, res, url, path.slice('/chat/api/'.length));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      req.resume();
      if (!res.headersSent) sendJson(res, error.status, { error: error.message });
    }
    return true;
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, route: string): Promise<void> {
    const bot = this.bot();
    const key = `${req.method} ${route.replace(/\/.*$/, '/*')}`;
    switch (key) {
      case 'GET state':
        return sendJson(res, 200, {
          users: this.users(),
          switches: this.wireSwitches(),
          grafanaUrl: this.grafanaUrl,
          firstUser: WEB_CHAT_FIRST_USER,
          adminIds: this.adminIds(),
          stickers: STICKER_EMOJI,
        });
      case 'POST users': {
        const body = await jsonBody(req);
        const id = Number(body.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new HttpProblem(400, 'id must be a positive integer');
        const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : `User ${id}`;
        const language = body.language === 'ru' ? 'ru' : 'en';
        this.userFor({ id, firstName: name, languageCode: language, token: bot.token });
        this.broadcastAll({ type: 'users', users: this.users() });
        return sendJson(res, 200, { user: { id, name, language } satisfies WireUser });
      }
      case 'GET events':
        return this.stream(res, bot, this.knownUser(url.searchParams.get('user')).id);
      case 'POST messages': {
        const body = await jsonBody(req);
        const user = this.fakeUser(body.user, bot);
        if (typeof body.text !== 'string' || body.text.trim() === '')
          throw new HttpProblem(400, 'text must not be empty');
        // A paste over 4096 units arrives as several messages, as from a real client.
        const updates = await user.sendLongText(body.text);
        return sendJson(res, 200, {
          updateId: updates.at(-1)?.update_id,
          updateIds: updates.map((u) => u.update_id),
        });
      }
      case 'POST uploads': {
        const update = await receiveUpload(req, url, (raw) => this.fakeUser(raw, bot));
        return sendJson(res, 200, { updateId: update.update_id });
      }
      case 'POST stickers': {
        const body = await jsonBody(req);
        const user = this.fakeUser(body.user, bot);
        if (typeof body.emoji !== 'string' || !STICKER_EMOJI.includes(body.emoji))
          throw new HttpProblem(400, `emoji must be one of ${STICKER_EMOJI.join(' ')}`);
        const update = await user.sendSticker({ emoji: body.emoji });
        return sendJson(res, 200, { updateId: update.update_id });
      }
      case 'POST press': {
        const body = await jsonBody(req);
        const user = this.fakeUser(body.user, bot);
        if (typeof body.data !== 'string') throw new HttpProblem(400, 'data must be a string');
        // A keyboard the fake no longer has (lost, deleted, or edited away): Telegram sends nothing.
        const update = await user
          .pressButton({ messageId: Number(body.messageId), data: body.data })
          .catch(() => {
            throw new HttpProblem(409, GONE);
          });
        return sendJson(res, 200, { updateId: update.update_id });
      }
      case 'POST pay': {
        const body = await jsonBody(req);
        const user = this.fakeUser(body.user, bot);
        const result = await user.pay(Number(body.messageId)).catch(() => {
          throw new HttpProblem(409, GONE);
        });
        return sendJson(res, 200, result);
      }
      case 'GET files/*':
        return serveMedia(
          bot.files,
          decodeURIComponent(route.slice('files/'.length)),
          this.mediaOrigins,
          res,
          () => this.core.persistence?.changed(),
        );
      case 'POST switches/*': {
        const body = await jsonBody(req);
        const id = decodeURIComponent(route.slice('switches/'.length));
        const target = this.switches.find((s) => s.id === id);
        if (!target) throw new HttpProblem(404, `no fault switch ${id}`);
        target.set(body.on === true);
        this.broadcastAll({ type: 'switches', switches: this.wireSwitches() });
        return sendJson(res, 200, { switches: this.wireSwitches() });
      }
      default:
        throw new HttpProblem(404, 'not found');
    }
  }

  /** The live view of one user's chat: a snapshot, then every change. */
  private stream(res: ServerResponse, bot: BotState, chatId: number): Promise<void> {
    return this.streams.serve(res, this.core.stopSignal, chatId, () => {
      const ctx = this.wireContext(bot);
      const chat = bot.chat(chatId);
      const user = this.users().find((u) => u.id === chatId) as WireUser;
      return {
        type: 'snapshot',
        user,
        botName: bot.user.first_name,
        messages: [...chat.messages.values()].filter((e) => !e.deleted).map((e) => toWireMessage(e, ctx)),
        presses: this.presses.of(chatId).map((p) => this.withTrace(bot, p)),
        switches: this.wireSwitches(),
      };
    });
  }

  private onUpdate(token: string, update: Update): void {
    if (token !== this.token()) return;
    const bot = this.core.bot(token);
    const message = update.message ?? update.edited_message;
    if (message) {
      this.presses.remember(update.update_id, message.chat.id);
      const entry = bot.chat(message.chat.id).messages.get(message.message_id);
      if (entry)
        this.broadcast(message.chat.id, {
          type: 'message',
          message: toWireMessage(entry, this.wireContext(bot)),
        });
      return;
    }
    const pressed = pressOfUpdate(bot, update);
    if (pressed) this.addPress(bot, pressed.chatId, pressed.press);
  }

  private onBotMessage(token: string, chatId: number, messageId: number): void {
    if (token !== this.token()) return;
    const bot = this.core.bot(token);
    const entry = bot.chat(chatId).messages.get(messageId);
    if (entry)
      this.broadcast(chatId, { type: 'message', message: toWireMessage(entry, this.wireContext(bot)) });
  }

  private addPress(bot: BotState, chatId: number, press: WirePress): void {
    this.presses.add(chatId, press);
    this.broadcast(chatId, { type: 'press', press: this.withTrace(bot, press) });
  }

  private withTrace(bot: BotState, press: WirePress): WirePress {
    const traceId = this.core.updateTrace(bot.token, press.updateId);
    return traceId ? { ...press, trace: this.link(traceId) } : press;
  }

  private broadcast(chatId: number, event: WireEvent): void {
    this.streams.broadcast(chatId, event);
  }

  private broadcastAll(event: WireEvent): void {
    this.streams.broadcastAll(event);
  }

  private token(): string | undefined {
    return this.core.resolveToken(undefined);
  }

  private bot(): BotState {
    const token = this.token();
    if (!token) throw new HttpProblem(503, 'no bot yet: start the bot against this fake first');
    return this.core.bot(token);
  }

  private users(): WireUser[] {
    return toWireUsers(this.core.users.values());
  }

  private knownUser(raw: unknown): WireUser {
    const user = this.users().find((u) => u.id === Number(raw));
    if (!user) throw new HttpProblem(404, `unknown user ${String(raw)}: create it first`);
    return user;
  }

  private fakeUser(raw: unknown, bot: BotState): FakeUser {
    const user = this.knownUser(raw);
    return this.userFor({ id: user.id, firstName: user.name, languageCode: user.language, token: bot.token });
  }

  private wireSwitches(): WireSwitch[] {
    return toWireSwitches(this.switches);
  }

  private wireContext(bot: BotState): WireContext {
    return {
      files: bot.files,
      link: (traceId) => this.link(traceId),
      updateTrace: (updateId) => this.core.updateTrace(bot.token, updateId),
    };
  }

  private link(traceId: string) {
    return traceLink(this.grafanaUrl, traceId);
  }

  private traceField(traceId: string | undefined) {
    return traceId ? { trace: this.link(traceId) } : {};
  }
}
