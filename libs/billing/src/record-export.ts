import type { AccountingRecordEvent } from '@tuxhat/contracts';

export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

/** CSV columns, in order: the record's fields flattened (money as minor + currency columns). */
export const CSV_COLUMNS = [
  'messageId',
  'revision',
  'tenantId',
  'classOfService',
  'source',
  'destination',
  'country',
  'network',
  'clientReference',
  'routeId',
  'carrierId',
  'parts',
  'encoding',
  'finalStatus',
  'errorCode',
  'costMinor',
  'costCurrency',
  'priceMinor',
  'priceCurrency',
  'listPriceMinor',
  'tariffId',
  'billingMode',
  'chargeOn',
  'charged',
  'adjustments',
  'acceptedAt',
  'routedAt',
  'sentAt',
  'finalAt',
  'eventId',
] as const;

type CsvValue = string | number | boolean | undefined;

function csvValues(record: AccountingRecordEvent): Record<(typeof CSV_COLUMNS)[number], CsvValue> {
  return {
    messageId: record.messageId,
    revision: record.revision,
    tenantId: record.tenantId,
    classOfService: record.classOfService,
    source: record.source,
    destination: record.destination,
    country: record.country,
    network: record.network,
    clientReference: record.clientReference,
    routeId: record.routeId,
    carrierId: record.carrierId,
    parts: record.parts,
    encoding: record.encoding,
    finalStatus: record.finalStatus,
    errorCode: record.errorCode,
    costMinor: record.cost.minor,
    costCurrency: record.cost.currency,
    priceMinor: record.price.minor,
    priceCurrency: record.price.currency,
    listPriceMinor: record.billing.listPriceMinor,
    tariffId: record.billing.tariffId,
    billingMode: record.billing.mode,
    chargeOn: record.billing.chargeOn,
    charged: record.billing.charged,
    adjustments: record.billing.adjustments.map((item) => item.rule).join(' '),
    acceptedAt: record.acceptedAt,
    routedAt: record.routedAt,
    sentAt: record.sentAt,
    finalAt: record.finalAt,
    eventId: record.eventId,
  };
}

/** RFC 4180 quoting; a leading formula character is defused so spreadsheets show text. */
function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string' && !/^\+\d+$/.test(text))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(record: AccountingRecordEvent): string {
  const values = csvValues(record);
  return `${CSV_COLUMNS.map((column) => csvField(values[column])).join(',')}\r\n`;
}

export function ndjsonLine(record: AccountingRecordEvent): string {
  return `${JSON.stringify(record)}\n`;
}

/** The export as text chunks (header first for CSV), for a streaming HTTP response. */
export async function* exportLines(
  records: AsyncIterable<AccountingRecordEvent>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  for await (const record of records) yield format === 'csv' ? csvLine(record) : ndjsonLine(record);
}
