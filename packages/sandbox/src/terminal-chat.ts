import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { ChatMessage, FakeUser, TelegramFake } from '@tg-genbot/fakes/telegram';
import { type NumberedButton, renderMessage } from './render-message.ts';

const HELP = `Type a message or a /command and press Enter. Sandbox commands:
  :press N          press inline button N (numbers are shown next to buttons)
  :user ID [ru|en]  talk as another user (default 1001, en)
  :doc PATH         send a file as a document
  :sticker          send a sticker
  :pay              pay the last invoice
  :help             this help
  :quit             stop the sandbox`;

/** A terminal Telegram client over the fake: a person chats with the bot, sees messages and edits live. */
export async function runTerminalChat(
  fake: TelegramFake,
  token: string,
  onQuit: () => Promise<void>,
): Promise<void> {
  let user: FakeUser = fake.user({ id: 1001, firstName: 'You', languageCode: 'en', token });
  let buttons: NumberedButton[] = [];
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
  });

  const show = (message: ChatMessage, kind: 'new' | 'edit') => {
    const first = buttons.length ? Math.max(...buttons.map((b) => b.n)) + 1 : 1;
    const rendered = renderMessage(message, first, kind);
    // A message's buttons replace its earlier ones (edits change keyboards).
    buttons = [...buttons.filter((b) => b.messageId !== message.messageId), ...rendered.buttons];
    process.stdout.write(`\r${rendered.text}\n`);
    rl.prompt(true);
  };
  fake.on('bot-message', (e) => {
    if (e.token === token && e.chatId === user.id) show(e.message, 'new');
  });
  fake.on('bot-edit', (e) => {
    if (e.token === token && e.chatId === user.id) show(e.message, 'edit');
  });
  fake.on('chat-action', (e) => {
    if (e.token === token && e.chatId === user.id) process.stdout.write(`\r… ${e.action}\n`);
  });
  fake.on('callback-answer', (e) => {
    if (e.token === token && e.chatId === user.id && e.answer.text) {
      process.stdout.write(`\r${e.answer.showAlert ? '⚠️  ' : '💬 '}${e.answer.text}\n`);
      rl.prompt(true);
    }
  });

  console.log(HELP);
  rl.setPrompt(`you(${user.id})> `);
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    try {
      if (!line) {
        // nothing
      } else if (line === ':quit' || line === ':q') {
        break;
      } else if (line === ':help') {
        console.log(HELP);
      } else if (line.startsWith(':press')) {
        const n = Number(line.split(/\s+/)[1]);
        const button = buttons.find((b) => b.n === n);
        if (!button) console.log(`No button ${n}.`);
        else if (button.url) console.log(`That button opens ${button.url}`);
        else
          await user.pressButton({
            messageId: button.messageId,
            ...(button.data ? { data: button.data } : {}),
          });
      } else if (line.startsWith(':user')) {
        const [, id, lang] = line.split(/\s+/);
        if (!id || !/^\d+$/.test(id)) console.log('Usage: :user ID [ru|en]');
        else {
          user = fake.user({ id: Number(id), firstName: `User ${id}`, languageCode: lang ?? 'en', token });
          buttons = [];
          rl.setPrompt(`you(${user.id})> `);
        }
      } else if (line.startsWith(':doc')) {
        const path = line.slice(4).trim();
        const content = await readFile(path);
        await user.sendDocument({ fileName: basename(path), mimeType: 'text/plain', content });
      } else if (line === ':sticker') {
        await user.sendSticker();
      } else if (line === ':pay') {
        const result = await user.pay();
        console.log(result.approved ? '✅ paid' : `❌ payment refused: ${result.errorMessage ?? ''}`);
      } else if (line.startsWith('/')) {
        const [cmd, ...rest] = line.split(' ');
        await user.sendCommand(cmd ?? line, rest.join(' ') || undefined);
      } else {
        await user.sendText(line);
      }
    } catch (error) {
      console.log(`⚠️  ${(error as Error).message}`);
    }
    rl.prompt();
  }
  rl.close();
  await onQuit();
}
