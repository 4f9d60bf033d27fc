import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInvoicePayload } from '../../../../src/services/payments/stars/invoice-payload.ts';
import { starsProvider } from '../../../../src/services/payments/stars/stars-provider.ts';

const pack = { id: 'big', credits: 1000, stars: 400, title: { en: 'Big', ru: 'Большой' } };
/** Shows which message was asked for, with its arguments. */
const t = (key: string, args?: Record<string, string | number>) => `${key} ${JSON.stringify(args ?? {})}`;

describe('starsProvider', () => {
  it('invoices a pack in XTR at its Stars, the payload carrying pack, payer, what it sold and the target', () => {
    const target = { kind: 'protocol', id: '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b' } as const;
    const invoice = starsProvider.invoice({ pack, userId: 42, target, lang: 'ru', t });
    assert.deepEqual(invoice, {
      title: 'invoice-title {"credits":1000}',
      description: 'invoice-description {"title":"Большой","credits":1000}',
      payload: 'topup:big:42:c1000x400:p:0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
      currency: 'XTR',
      prices: [{ label: 'Большой', amount: 400 }],
    });
    assert.equal(starsProvider.currency, 'XTR');
    assert.equal(
      starsProvider.invoice({ pack, userId: 42, lang: 'en', t }).payload,
      'topup:big:42:c1000x400',
      'no target',
    );
  });

  it('verifies its own invoice before and after payment; what was paid carries the target', () => {
    const draft = { kind: 'draft', id: 'AbC-123_xYz9' } as const;
    const { payload } = starsProvider.invoice({ pack, userId: 42, target: draft, lang: 'en', t });
    const facts = { invoicePayload: payload, currency: 'XTR', totalAmount: 400, payerId: 42 };
    assert.equal(starsProvider.verifyCheckout(facts, [pack])?.id, 'big');
    assert.deepEqual(starsProvider.verifyPaid(facts, [pack]), {
      packId: 'big',
      credits: 1000,
      target: draft,
    });
    assert.deepEqual(decodeInvoicePayload(payload)?.target, draft);
    assert.equal(starsProvider.verifyCheckout({ ...facts, payerId: 43 }, [pack]), undefined);
    assert.equal(starsProvider.verifyPaid({ ...facts, currency: 'USD' }, [pack]), undefined);
  });

  it('keys a payment’s top-up by its charge id', () => {
    assert.equal(starsProvider.chargeKey('stxABC'), 'stars:stxABC');
  });
});
