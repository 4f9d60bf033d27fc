import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import {
  createTelegramFake,
  type FaultSwitch,
  type TelegramFake,
} from '../../../packages/fakes/src/telegram/index.ts';
import { openEvents } from './web-chat-client.ts';

const WEB_DIR = new URL('../../../packages/fakes/src/telegram/web/', import.meta.url);
const TOKEN = '1008:test-token-web-chat';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const GRAFANA = 'http://grafana.test:3000';
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

describe('Telegram fake: web chat', () => {
  let fake: TelegramFake;
  let media: Server | undefined;
  afterEach(async () => {
    await fake.stop();
    await new Promise((resolve) => (media ? media.close(resolve) : resolve(undefined)));
    media = undefined;
  });

  const start = async (switches: FaultSwitch[] = [], mediaOrigins: string[] = []) => {
    fake = createTelegramFake({
      rateLimits: false,
      defaultToken: TOKEN,
      webChat: { grafanaUrl: GRAFANA, switches, mediaOrigins },
    });
    await fake.start();
  };
  const url = (path: string) => `${fake.apiRoot}${path}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** A Bot API call as the bot makes it while handling `updateId`. */
  const botCall = (method: string, body: unknown, updateId?: number) =>
    fetch(url(`/bot${TOKEN}/${method}`), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
        ...(updateId === undefined ? {} : { baggage: `telegram.update.id=${updateId}` }),
      },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ ok: boolean; result: { message_id: number } }>);

  it('is off unless asked for', async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
    assert.equal(fake.webChatUrl, undefined);
    assert.equal((await fetch(url('/'))).status, 404);
    assert.equal((await fetch(url('/chat/api/state'))).status, 404);
  });

  it('serves the page, and its TypeScript as JavaScript, and nothing outside its folder', async () => {
    await start();
    assert.equal(fake.webChatUrl, `${fake.apiRoot}/`);
    const page = await fetch(url('/'));
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /<script type="module" src="\/web\/app\.ts"><\/script>/);
    // Every module of the page, so a new one cannot be left unservable.
    const modules = readdirSync(WEB_DIR).filter((f) => f.endsWith('.ts'));
    assert.ok(modules.includes('app.ts') && modules.includes('render-message.ts'), String(modules));
    for (const file of modules) {
      const res = await fetch(url(`/web/${file}`));
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
      const js = await res.text();
      assert.doesNotMatch(js, /import type|: HTMLElement\b/, `${file}: types left in`);
      const check = spawnSync(process.execPath, ['--check', '--input-type=module', '-'], { input: js });
      assert.equal(check.status, 0, `${file} is not valid JavaScript: ${check.stderr}`);
    }
    assert.match((await fetch(url('/web/style.css'))).headers.get('content-type') ?? '', /^text\/css/);
    for (const path of [
      '/web/tsconfig.json',
      '/web/missing.ts',
      '/web/..%2Fweb-chat%2Fweb-chat.ts',
      '/web/../fake-core.ts',
    ])
      assert.equal((await fetch(url(path))).status, 404, path);
  });

  it('creates, updates and lists users, and refuses bad input', async () => {
    await start();
    assert.deepEqual(await post('/chat/api/users', { id: 5, name: 'Ann', language: 'ru' }), {
      status: 200,
      json: { user: { id: 5, name: 'Ann', language: 'ru' } },
    });
    await post('/chat/api/users', { id: 6, name: '', language: 'xx' });
    const state = (await (await fetch(url('/chat/api/state'))).json()) as {
      users: unknown;
      grafanaUrl: string;
    };
    assert.deepEqual(state.users, [
      { id: 5, name: 'Ann', language: 'ru' },
      { id: 6, name: 'User 6', language: 'en' },
    ]);
    assert.equal(state.grafanaUrl, GRAFANA);
    assert.equal((await post('/chat/api/users', { id: -1 })).status, 400);
    const form = await fetch(url('/chat/api/users'), { method: 'POST', body: 'id=7' });
    assert.equal(form.status, 415, 'no cross-site form posts');
    assert.equal((await post('/chat/api/messages', { user: 99, text: 'hi' })).status, 404);
    assert.equal((await fetch(url('/chat/api/events?user=99'))).status, 404);
  });

  it("streams one user's chat live, with trace links, and nothing of another user's", async () => {
    await start();
    await post('/chat/api/users', { id: 11, name: 'Ann', language: 'en' });
    await post('/chat/api/users', { id: 12, name: 'Bob', language: 'ru' });
    const ann = await openEvents(url('/chat/api/events?user=11'));
    const bob = await openEvents(url('/chat/api/events?user=12'));
    try {
      const snapshot = await ann.next('snapshot');
      assert.deepEqual(snapshot.user, { id: 11, name: 'Ann', language: 'en' });
      assert.deepEqual(snapshot.messages, []);
      assert.equal(snapshot.switches[0]?.id, 'telegram-429');

      const sent = await post('/chat/api/messages', { user: 11, text: '/start' });
      const updateId = sent.json.updateId as number;
      const mine = await ann.next('message', (e) => !e.message.fromBot);
      assert.equal(mine.message.text, '/start');
      assert.equal(mine.message.updateId, updateId);
      assert.deepEqual(mine.message.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);

      await botCall('sendChatAction', { chat_id: 11, action: 'typing' }, updateId);
      const trace = await ann.next('trace');
      assert.equal(trace.updateId, updateId);
      assert.equal(trace.trace.traceId, TRACE);
      const link = new URL(trace.trace.url);
      assert.equal(`${link.origin}${link.pathname}`, `${GRAFANA}/explore`);
      const pane = JSON.parse(link.searchParams.get('panes') ?? '{}').trace;
      assert.equal(pane.datasource, 'tempo');
      assert.deepEqual(pane.queries[0], {
        refId: 'A',
        datasource: { type: 'tempo', uid: 'tempo' },
        queryType: 'traceql',
        query: TRACE,
      });
      assert.equal((await ann.next('action')).action, 'typing');

      const menu = await botCall(
        'sendMessage',
        {
          chat_id: 11,
          text: '<b>Menu</b>\nline two',
          parse_mode: 'HTML',
          reply_markup: {
            inline_keyboard: [
              [
                { text: 'Help', callback_data: 'help' },
                { text: 'Site', url: 'https://example.org' },
              ],
            ],
          },
        },
        updateId,
      );
      const shown = await ann.next('message', (e) => e.message.fromBot);
      assert.equal(shown.message.text, 'Menu\nline two');
      assert.deepEqual(shown.message.entities, [{ type: 'bold', offset: 0, length: 4 }]);
      assert.deepEqual(shown.message.keyboard, [
        [
          { text: 'Help', kind: 'callback', data: 'help' },
          { text: 'Site', kind: 'url', url: 'https://example.org' },
        ],
      ]);
      assert.deepEqual(
        shown.message.traces.map((t) => t.traceId),
        [TRACE],
      );

      const pressed = await post('/chat/api/press', {
        user: 11,
        messageId: menu.result.message_id,
        data: 'help',
      });
      const press = await ann.next('press');
      assert.deepEqual(
        { ...press.press, at: 0 },
        {
          updateId: pressed.json.updateId,
          messageId: menu.result.message_id,
          kind: 'press',
          label: 'Help',
          at: 0,
        },
      );
      const pressUpdate = pressed.json.updateId as number;
      await botCall(
        'editMessageText',
        { chat_id: 11, message_id: menu.result.message_id, text: 'Help text' },
        pressUpdate,
      );
      // The press's trace arrives with the bot's first call for it, before the edit it makes.
      assert.equal((await ann.next('trace')).updateId, pressUpdate);
      const edited = await ann.next('message', (e) => e.message.edited);
      assert.equal(edited.message.text, 'Help text');
      assert.equal(edited.message.keyboard, undefined);

      assert.equal((await post('/chat/api/press', { user: 11, messageId: 999, data: 'x' })).status, 409);

      // Reconnecting (or switching back) shows the same chat, presses and traces included.
      const again = await openEvents(url('/chat/api/events?user=11'));
      const replay = await again.next('snapshot');
      again.close();
      assert.deepEqual(
        replay.messages.map((m) => [m.fromBot, m.text, m.traces.length]),
        [
          [false, '/start', 1],
          [true, 'Help text', 1],
        ],
      );
      assert.equal(replay.presses[0]?.trace?.traceId, TRACE);

      assert.deepEqual(
        bob.events.map((e) => e.type),
        ['snapshot'],
        "Bob's page saw nothing of Ann's chat",
      );
    } finally {
      ann.close();
      bob.close();
    }
  });

  it('shows callback answers as toasts or alerts and payments as presses', async () => {
    await start();
    await post('/chat/api/users', { id: 21, name: 'Ann', language: 'en' });
    const ann = await openEvents(url('/chat/api/events?user=21'));
    try {
      await botCall('sendMessage', {
        chat_id: 21,
        text: 'pick',
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
      });
      const user = fake.user({ id: 21, token: TOKEN });
      const press = await user.pressButton({ text: 'A' });
      await botCall('answerCallbackQuery', {
        callback_query_id: press.callback_query?.id,
        text: 'Too late',
        show_alert: true,
      });
      const answer = await ann.next('answer');
      assert.equal(answer.text, 'Too late');
      assert.equal(answer.showAlert, true);
      assert.equal(answer.trace?.traceId, TRACE);

      const invoice = await botCall('sendInvoice', {
        chat_id: 21,
        title: '50 credits',
        description: 'A pack',
        payload: 'pack:50',
        currency: 'XTR',
        prices: [{ label: '50 credits', amount: 25 }],
      });
      const shown = await ann.next('message', (e) => e.message.invoice !== undefined);
      assert.deepEqual(shown.message.keyboard, [[{ text: 'Pay ⭐ 25', kind: 'pay' }]]);
      // The bot approves the pre-checkout query as soon as it arrives.
      fake.on('update', (e) => {
        const query = e.update.pre_checkout_query;
        if (query) void botCall('answerPreCheckoutQuery', { pre_checkout_query_id: query.id, ok: true });
      });
      const paid = await post('/chat/api/pay', { user: 21, messageId: invoice.result.message_id });
      assert.equal(paid.json.approved, true);
      const checkout = await ann.next('press', (e) => e.press.kind === 'pay');
      assert.equal(checkout.press.messageId, invoice.result.message_id);
      assert.equal(checkout.press.label, 'Pay: pre-checkout 25 XTR');
      const receipt = await ann.next('message', (e) => e.message.service !== undefined);
      assert.equal(receipt.message.service, 'You paid ⭐ 25');
    } finally {
      ann.close();
    }
  });

  it('takes photos and documents from the page and serves chat files safely', async () => {
    media = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
    await new Promise<void>((resolve) => media?.listen(0, '127.0.0.1', resolve));
    const mediaOrigin = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    await start([], [mediaOrigin]);
    await post('/chat/api/users', { id: 31, name: 'Ann', language: 'en' });
    const ann = await openEvents(url('/chat/api/events?user=31'));
    try {
      const upload = (query: string, body: Uint8Array | string, headers: Record<string, string>) =>
        fetch(url(`/chat/api/uploads?${query}`), { method: 'POST', headers, body });
      assert.equal((await upload('user=31&kind=photo', PNG, {})).status, 403, 'needs the page header');
      assert.equal((await upload('user=31&kind=photo', PNG, { 'x-web-chat': '1' })).status, 200);
      const photo = await ann.next('message', (e) => e.message.media?.kind === 'photo');
      const photoFile = await fetch(url(photo.message.media?.src ?? ''));
      assert.equal(photoFile.headers.get('content-type'), 'image/jpeg');
      assert.deepEqual(Buffer.from(await photoFile.arrayBuffer()), PNG);

      const html = '<script>alert(1)</script>';
      const doc = await upload('user=31&kind=document&name=page.html&caption=see', html, {
        'x-web-chat': '1',
        'content-type': 'text/html',
      });
      assert.equal(doc.status, 200);
      const document = await ann.next('message', (e) => e.message.media?.kind === 'document');
      assert.equal(document.message.text, 'see');
      assert.equal(document.message.media?.fileName, 'page.html');
      const served = await fetch(url(document.message.media?.src ?? ''));
      assert.equal(
        served.headers.get('content-type'),
        'application/octet-stream',
        'never HTML on this origin',
      );
      assert.match(
        served.headers.get('content-disposition') ?? '',
        /^attachment; filename\*=UTF-8''page\.html$/,
      );

      // Photos the bot sends by URL: proxied from the allowed origin, redirected otherwise.
      await botCall('sendPhoto', { chat_id: 31, photo: `${mediaOrigin}/result.png` });
      await botCall('sendPhoto', { chat_id: 31, photo: 'https://elsewhere.example/x.png' });
      const proxied = await ann.next('message', (e) => e.message.fromBot);
      const redirected = await ann.next('message', (e) => e.message.fromBot);
      const viaFake = await fetch(url(proxied.message.media?.src ?? ''));
      assert.equal(viaFake.status, 200);
      assert.deepEqual(Buffer.from(await viaFake.arrayBuffer()), PNG);
      const elsewhere = await fetch(url(redirected.message.media?.src ?? ''), { redirect: 'manual' });
      assert.equal(elsewhere.status, 302);
      assert.equal(elsewhere.headers.get('location'), 'https://elsewhere.example/x.png');
      assert.equal((await fetch(url('/chat/api/files/nope'))).status, 404);
    } finally {
      ann.close();
    }
  });

  it('switches faults: Telegram 429 on every other send, the sandbox’s own switches, all pages told', async () => {
    let custom = false;
    await start([
      {
        id: 'x-fail',
        group: 'X',
        label: 'X fails',
        isOn: () => custom,
        set: (on) => {
          custom = on;
        },
      },
    ]);
    await post('/chat/api/users', { id: 41, name: 'Ann', language: 'en' });
    const ann = await openEvents(url('/chat/api/events?user=41'));
    try {
      await ann.next('snapshot');
      const on = await post('/chat/api/switches/telegram-429', { on: true });
      assert.equal(on.status, 200);
      const told = await ann.next('switches');
      assert.equal(told.switches.find((s) => s.id === 'telegram-429')?.on, true);
      const send = () => botCall('sendMessage', { chat_id: 41, text: 'hi' }).then((r) => r.ok);
      assert.deepEqual(
        [await send(), await send(), await send(), await send()],
        [false, true, false, true],
        'a 429, the retry succeeds, the next send gets a 429 again',
      );
      const limited = fake.calls(TOKEN).find((c) => c.response.error_code === 429);
      assert.match(limited?.response.description ?? '', /retry after 1/);
      await post('/chat/api/switches/telegram-429', { on: false });
      assert.deepEqual([await send(), await send()], [true, true]);

      await post('/chat/api/switches/x-fail', { on: true });
      assert.equal(custom, true);
      assert.equal((await post('/chat/api/switches/nope', { on: true })).status, 404);
    } finally {
      ann.close();
    }
  });

  it('ends open event streams when the fake stops', async () => {
    await start();
    await post('/chat/api/users', { id: 51, name: 'Ann', language: 'en' });
    const ann = await openEvents(url('/chat/api/events?user=51'));
    await ann.next('snapshot');
    await fake.stop();
    // Ended by the server, not cut: a stream stop() left open would be torn down with its socket
    // (after stop's wait for requests in flight gives up), which the reader sees as an error.
    assert.equal(await ann.ended, 'end');
    ann.close();
  });
});
