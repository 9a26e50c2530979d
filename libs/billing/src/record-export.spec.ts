import type { AccountingRecordEvent } from '@tuxhat/contracts';

import { CSV_COLUMNS, csvHeader, csvLine, exportLines, ndjsonLine } from './record-export';

const record: AccountingRecordEvent = {
  version: 2,
  eventId: '0b7c3f52-6a1e-8d2f-9a3b-1c2d3e4f5a6b',
  occurredAt: '2026-11-26T10:00:05.000Z',
  messageId: 'msg_1',
  revision: 1,
  tenantId: 'acme',
  classOfService: 'otp',
  source: 'Acme, "Bank"',
  destination: '+38267123456',
  clientReference: '=HYPERLINK("x")',
  parts: 1,
  encoding: 'gsm7',
  finalStatus: 'delivered',
  cost: { minor: 2, currency: 'EUR' },
  price: { minor: 0, currency: 'EUR' },
  billing: {
    mode: 'postpaid',
    chargeOn: 'submit',
    charged: true,
    listPriceMinor: 5,
    adjustments: [{ rule: 'free-otp-retry', note: 'retry', amountMinor: 0 }],
  },
  acceptedAt: '2026-11-26T10:00:00.000Z',
  finalAt: '2026-11-26T10:00:05.000Z',
};

describe('record export', () => {
  it('writes one JSON record per line', () => {
    expect(JSON.parse(ndjsonLine(record))).toEqual(record);
    expect(ndjsonLine(record).endsWith('}\n')).toBe(true);
  });

  it('writes CSV with quoting, empty optional fields and defused formulas', () => {
    const fields = csvLine(record).trimEnd();
    expect(csvHeader()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(fields).toContain('"Acme, ""Bank"""');
    expect(fields).toContain(`"'=HYPERLINK(""x"")"`);
    expect(fields).toContain(',+38267123456,'); // a phone number stays a phone number
    expect(fields.split(',').length).toBeGreaterThanOrEqual(CSV_COLUMNS.length);
    expect(fields).toContain(',2,EUR,0,EUR,5,,postpaid,submit,true,free-otp-retry,');
  });

  it('streams a header first for CSV, nothing else for NDJSON', async () => {
    async function* two() {
      yield record;
      yield { ...record, messageId: 'msg_2' };
    }
    const collect = async (format: 'csv' | 'ndjson') => {
      const out: string[] = [];
      for await (const line of exportLines(two(), format)) out.push(line);
      return out;
    };
    expect(await collect('csv')).toHaveLength(3);
    expect(await collect('ndjson')).toHaveLength(2);
  });
});
