import { ACCOUNTING_RECORDS } from '@tuxhat/contracts';

import { type RecordRow, accountingRecordEventOf } from './accounting-record.mapper';

const row: RecordRow = {
  messageId: 'msg_1',
  revision: 1,
  tenantId: 'acme',
  classOfService: 'otp',
  source: 'Acme',
  destination: '+38267123456',
  country: 'ME',
  network: null,
  clientReference: null,
  metadata: null,
  routeId: 'me-mobile',
  carrierId: 'telco-a',
  parts: 1,
  encoding: 'gsm7',
  finalStatus: 'delivered',
  errorCode: null,
  costMinor: 2,
  costCurrency: 'EUR',
  priceMinor: 5,
  priceCurrency: 'EUR',
  billingMode: 'postpaid',
  chargeOn: 'submit',
  charged: true,
  listPriceMinor: 5,
  tariffId: null,
  adjustments: [],
  acceptedAt: new Date('2026-11-26T10:00:00.000Z'),
  routedAt: null,
  sentAt: null,
  finalAt: new Date('2026-11-26T10:00:05.000Z'),
};

describe('accountingRecordEventOf', () => {
  it('carries the tenant labels the record format accepts, and none that it does not', () => {
    const labelled = accountingRecordEventOf({ ...row, metadata: { campaign: 'x', empty: '' } });
    expect(labelled.metadata).toEqual({ campaign: 'x', empty: '' });
    expect(ACCOUNTING_RECORDS.schema.safeParse(labelled).success).toBe(true);

    for (const metadata of [
      { campaign: 'x'.repeat(257) },
      { ['k'.repeat(65)]: 'x' },
      { count: 3 },
      ['campaign'],
      'campaign',
      null,
    ]) {
      const record = accountingRecordEventOf({ ...row, metadata });
      expect(record).not.toHaveProperty('metadata');
      expect(ACCOUNTING_RECORDS.schema.safeParse(record).success).toBe(true);
    }
  });
});
