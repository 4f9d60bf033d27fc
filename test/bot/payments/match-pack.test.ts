import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInvoicePayload, encodeInvoicePayload } from '../../../src/bot/payments/invoice-payload.ts';
import { matchPack } from '../../../src/bot/payments/match-pack.ts';

const packs = [
  { id: 'small', credits: 100, stars: 50, title: { en: 'Small', ru: 'Малый' } },
  { id: 'big', credits: 1000, stars: 400, title: { en: 'Big', ru: 'Большой' } },
];
const legit = {
  invoicePayload: encodeInvoicePayload({ packId: 'big', userId: 42 }),
  currency: 'XTR',
  totalAmount: 400,
  payerId: 42,
};

describe('matchPack', () => {
  it('matches a payment for our invoice, by the payer it was made for, in Stars, at the current price', () => {
    assert.equal(matchPack(legit, packs)?.id, 'big');
  });
  const refusals: Array<[string, Partial<typeof legit>]> = [
    ['another user paying', { payerId: 43 }],
    ['another currency', { currency: 'USD' }],
    ['a changed amount', { totalAmount: 1 }],
    ['an unknown pack', { invoicePayload: encodeInvoicePayload({ packId: 'gone', userId: 42 }) }],
    ['a foreign payload', { invoicePayload: 'sub:premium:42' }],
    ['a payload with extra parts', { invoicePayload: `${legit.invoicePayload}:x` }],
  ];
  for (const [name, change] of refusals) {
    it(`refuses ${name}`, () => assert.equal(matchPack({ ...legit, ...change }, packs), undefined));
  }
  it('round-trips payloads within Telegram’s 128 bytes', () => {
    const raw = encodeInvoicePayload({ packId: 'a'.repeat(32), userId: 999_999_999_999_999 });
    assert.ok(Buffer.byteLength(raw) <= 128);
    assert.deepEqual(decodeInvoicePayload(raw), { packId: 'a'.repeat(32), userId: 999_999_999_999_999 });
  });
});

describe('invoice payload with a top-up target', () => {
  it('carries the confirmation or quote back, within 128 bytes, and still matches the pack', () => {
    const target = { kind: 'protocol', id: '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b' } as const;
    const raw = encodeInvoicePayload({ packId: 'a'.repeat(32), userId: 999_999_999_999_999, target });
    assert.ok(Buffer.byteLength(raw) <= 128, `${Buffer.byteLength(raw)} bytes`);
    assert.deepEqual(decodeInvoicePayload(raw)?.target, target);
    const draft = { kind: 'draft', id: 'AbC-123_xYz9' } as const;
    const payload = encodeInvoicePayload({ packId: 'big', userId: 42, target: draft });
    assert.deepEqual(decodeInvoicePayload(payload)?.target, draft);
    assert.equal(matchPack({ ...legit, invoicePayload: payload }, packs)?.id, 'big');
    assert.equal(decodeInvoicePayload('topup:big:42:x:AbC'), undefined, 'an unknown target kind');
  });
});
