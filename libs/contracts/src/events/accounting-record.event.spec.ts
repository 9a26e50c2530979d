import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { format, resolveConfig } from 'prettier';
import { z } from 'zod';

import { FINAL_STATUSES } from '../message-status';
import {
  ACCOUNTING_RECORDS,
  RECORD_FINAL_STATUSES,
  type AccountingRecordEvent,
  accountingRecordEvent,
} from './accounting-record.event';

const SCHEMA_FILE = join(__dirname, '../../schemas/accounting-record.v2.schema.json');

/**
 * The JSON Schema billing integrators read, generated from the zod schema the gateway validates
 * with, formatted as the repository formats JSON (prettier), so `npm run check` agrees too.
 */
async function generatedJsonSchema(): Promise<string> {
  const schema = z.toJSONSchema(accountingRecordEvent, { target: 'draft-2020-12', io: 'output' });
  const withId = {
    $id: 'https://tuxhat.dev/schemas/accounting-record.v2.schema.json',
    ...schema,
  };
  const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(withId), { ...options, parser: 'json' });
}

const record: AccountingRecordEvent = {
  version: 2,
  eventId: '0b7c3f52-6a1e-8d2f-9a3b-1c2d3e4f5a6b',
  occurredAt: '2026-11-26T10:00:05.000Z',
  messageId: 'msg_01JD0000000000000000000000',
  revision: 1,
  tenantId: 'acme-bank',
  classOfService: 'otp',
  source: 'AcmeBank',
  destination: '+38267123456',
  country: 'ME',
  network: 'ME-Telenor',
  routeId: 'montenegro',
  carrierId: 'telco-a',
  parts: 1,
  encoding: 'gsm7',
  finalStatus: 'delivered',
  cost: { minor: 2, currency: 'EUR' },
  price: { minor: 5, currency: 'EUR' },
  billing: {
    mode: 'postpaid',
    chargeOn: 'submit',
    charged: true,
    listPriceMinor: 5,
    tariffId: 'me-otp',
    adjustments: [],
  },
  acceptedAt: '2026-11-26T10:00:00.000Z',
  routedAt: '2026-11-26T10:00:00.010Z',
  sentAt: '2026-11-26T10:00:00.200Z',
  finalAt: '2026-11-26T10:00:05.000Z',
};

describe('accounting record contract', () => {
  it('is keyed by tenant on a versioned topic', () => {
    expect(ACCOUNTING_RECORDS.name).toBe('accounting.records.v2');
    expect(ACCOUNTING_RECORDS.keyOf(record)).toBe('acme-bank');
  });

  it('accepts a complete record and rejects amounts that are not integer minor units', () => {
    expect(accountingRecordEvent.parse(record)).toEqual(record);
    expect(
      accountingRecordEvent.safeParse({ ...record, price: { minor: 0.5, currency: 'EUR' } })
        .success,
    ).toBe(false);
    expect(
      accountingRecordEvent.safeParse({ ...record, cost: { minor: 1, currency: 'euro' } }).success,
    ).toBe(false);
    expect(accountingRecordEvent.safeParse({ ...record, finalStatus: 'sent' }).success).toBe(false);
  });

  it('lists exactly the final message states', () => {
    expect([...RECORD_FINAL_STATUSES].sort()).toEqual([...FINAL_STATUSES].sort());
  });

  // Regenerate after a schema change: UPDATE_JSON_SCHEMAS=1 and run this test once.
  it('has its JSON Schema in the repository, generated from this schema', async () => {
    const generated = await generatedJsonSchema();
    if (process.env.UPDATE_JSON_SCHEMAS === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('JSON Schema describes every field and requires the ones billing relies on', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      Object.keys(accountingRecordEvent.shape).sort(),
    );
    for (const [name, property] of Object.entries(schema.properties))
      expect([name, typeof property.description]).toEqual([name, 'string']);
    expect(schema.required).toEqual(
      expect.arrayContaining(['messageId', 'revision', 'tenantId', 'cost', 'price', 'finalStatus']),
    );
  });
});
