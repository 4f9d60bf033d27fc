import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeInvoicePayload,
  encodeInvoicePayload,
} from '../../../../src/services/payments/stars/invoice-payload.ts';
import { matchPack, paidPack } from '../../../../src/services/payments/stars/match-pack.ts';

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

describe('an invoice that carries the credits it sold', () => {
  const sold = {
    ...legit,
    invoicePayload: encodeInvoicePayload({
      packId: 'big',
      userId: 42,
      sold: { credits: 1000, stars: 400 },
      target: { kind: 'draft', id: 'AbC-123_xYz9' },
    }),
  };
  const repriced = [{ id: 'big', credits: 900, stars: 450, title: { en: 'Big', ru: 'Большой' } }];

  it('round-trips what it sold with a target, within 128 bytes', () => {
    const raw = encodeInvoicePayload({
      packId: 'a'.repeat(32),
      userId: 999_999_999_999_999,
      sold: { credits: 999_999_999, stars: 999_999_999 },
      target: { kind: 'protocol', id: '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b' },
    });
    assert.ok(Buffer.byteLength(raw) <= 128, `${Buffer.byteLength(raw)} bytes`);
    assert.deepEqual(decodeInvoicePayload(raw)?.sold, { credits: 999_999_999, stars: 999_999_999 });
    assert.equal(decodeInvoicePayload(raw)?.target?.kind, 'protocol');
  });

  it('pre-checkout refuses it once the pack changed (no Stars are taken then)', () => {
    assert.equal(matchPack(sold, packs)?.id, 'big');
    assert.equal(matchPack(sold, repriced), undefined, 'other price and credits');
    assert.equal(matchPack(sold, [{ ...packs[1]!, credits: 900 }]), undefined, 'same price, fewer credits');
  });

  it('once paid, is owed the credits it sold, though the pack changed or went since', () => {
    assert.deepEqual(paidPack(sold, packs), { packId: 'big', credits: 1000 });
    assert.deepEqual(paidPack(sold, repriced), { packId: 'big', credits: 1000 });
    assert.deepEqual(paidPack(sold, []), { packId: 'big', credits: 1000 });
    // A payload from before it carried what it sold: only the pack as it is now.
    assert.deepEqual(paidPack(legit, packs), { packId: 'big', credits: 1000 });
    assert.equal(paidPack(legit, repriced), undefined, 'nothing tells what it sold');
  });

  it('is owed nothing when it is not ours or not the payer’s', () => {
    assert.equal(paidPack({ ...sold, payerId: 43 }, packs), undefined);
    assert.equal(paidPack({ ...sold, currency: 'USD' }, packs), undefined);
    assert.equal(paidPack({ ...sold, invoicePayload: 'sub:premium:42' }, packs), undefined);
    assert.equal(
      paidPack({ ...sold, totalAmount: 1 }, packs),
      undefined,
      'an amount the invoice did not ask',
    );
  });
});
