import type { Prisma, PrismaClient } from '@tuxhat/database';

export type TestAccountingRecord = Prisma.AccountingRecordCreateManyInput;

/**
 * An accounting_records row as accounting writes it once a message is final (revision 1): tenant
 * `acme`, a delivered two-part OTP message to Montenegro accepted 2026-11-03 10:00 UTC, charged
 * 6 EUR cents postpaid, costing 4. Tests override what they are about.
 */
export function testAccountingRecord(
  messageId: string,
  overrides: Partial<TestAccountingRecord> = {},
): TestAccountingRecord {
  return {
    messageId,
    tenantId: 'acme',
    classOfService: 'otp',
    source: 'Acme',
    destination: '+38267123456',
    country: 'ME',
    parts: 2,
    encoding: 'gsm7',
    finalStatus: 'delivered',
    costMinor: 4,
    costCurrency: 'EUR',
    priceMinor: 6,
    priceCurrency: 'EUR',
    listPriceMinor: 6,
    billingMode: 'postpaid',
    chargeOn: 'submit',
    charged: true,
    acceptedAt: new Date('2026-11-03T10:00:00.000Z'),
    finalAt: new Date('2026-11-03T10:00:05.000Z'),
    revision: 1,
    ...overrides,
  };
}

/**
 * Inserts the records and, first, the messages they belong to (a record references its
 * message), each in one statement. The records' tenants must exist.
 */
export async function insertAccountingRecords(
  prisma: PrismaClient,
  records: readonly TestAccountingRecord[],
): Promise<void> {
  await prisma.message.createMany({
    data: records.map((record) => ({
      id: record.messageId,
      tenantId: record.tenantId,
      destination: record.destination,
      source: record.source,
      body: 'x',
      encoding: record.encoding,
      parts: record.parts,
      status: record.finalStatus ?? 'sent',
    })),
  });
  await prisma.accountingRecord.createMany({ data: [...records] });
}
