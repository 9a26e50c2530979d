import { SMS_DLR_RAW } from '@tuxhat/contracts';
import {
  EsmClass,
  MessageState,
  encodeGsm7,
  readDeliveryReceipt,
  type DeliveryReceipt,
} from '@tuxhat/smpp';

import { dlrRawEventOf, moRawEventOf } from './receipt-event.mapper';

const receivedAt = new Date('2026-11-25T10:00:00.000Z');

function receiptOf(fields: {
  text?: string;
  receiptedMessageId?: string;
  messageState?: number;
}): DeliveryReceipt {
  const receipt = readDeliveryReceipt({
    esmClass: EsmClass.MC_DELIVERY_RECEIPT,
    dataCoding: 0,
    shortMessage: encodeGsm7(fields.text ?? ''),
    ...(fields.receiptedMessageId === undefined
      ? {}
      : { receiptedMessageId: fields.receiptedMessageId }),
    ...(fields.messageState === undefined ? {} : { messageState: fields.messageState }),
  });
  if (!receipt) throw new Error('test receipt did not parse');
  return receipt;
}

const text = (id: string, stat: string, err: string) =>
  `id:${id} sub:001 dlvrd:001 submit date:2611251000 done date:2611251001 stat:${stat} err:${err} text:Hello`;

describe(dlrRawEventOf.name, () => {
  it.each([
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'undeliverable'],
    ['EXPIRED', 'expired'],
    ['DELETED', 'deleted'],
    ['REJECTD', 'rejected'],
    ['ACCEPTD', 'accepted'],
    ['ENROUTE', 'enroute'],
    ['UNKNOWN', 'unknown'],
    ['delivered', 'delivered'],
    ['BOGUS', 'unknown'],
  ])(
    'normalises text stat %s to %s, keeping the raw stat (as the parser spells it) and err',
    (stat, state) => {
      const mapped = dlrRawEventOf(
        'telco-a',
        receiptOf({ text: text('AB12', stat, '007') }),
        receivedAt,
      );
      expect(mapped).toEqual({
        ok: true,
        event: expect.objectContaining({
          carrierId: 'telco-a',
          carrierMessageId: 'AB12',
          state,
          rawState: stat.toUpperCase(),
          errorCode: '007',
          receivedAt: receivedAt.toISOString(),
        }),
      });
      if (mapped.ok) expect(SMS_DLR_RAW.schema.parse(mapped.event)).toBeTruthy();
    },
  );

  it('prefers the TLVs (receipted_message_id, message_state) over the text', () => {
    const mapped = dlrRawEventOf(
      'telco-a',
      receiptOf({
        text: text('171', 'UNDELIV', '001'),
        receiptedMessageId: 'ab',
        messageState: MessageState.DELIVERED,
      }),
      receivedAt,
    );
    expect(mapped).toMatchObject({
      ok: true,
      event: { carrierMessageId: 'ab', state: 'delivered', rawState: 'UNDELIV' },
    });
  });

  it('reads a TLV-only receipt, naming the message_state it came from', () => {
    const mapped = dlrRawEventOf(
      'telco-a',
      receiptOf({ receiptedMessageId: 'ff01', messageState: MessageState.EXPIRED }),
      receivedAt,
    );
    expect(mapped).toMatchObject({
      ok: true,
      event: {
        carrierMessageId: 'ff01',
        state: 'expired',
        rawState: `message_state ${MessageState.EXPIRED}`,
      },
    });
    if (mapped.ok) expect(mapped.event.errorCode).toBeUndefined();
  });

  it('derives the event id from the receipt, so a redelivered receipt is the same event', () => {
    const receipt = receiptOf({ text: text('AB12', 'DELIVRD', '000') });
    const first = dlrRawEventOf('telco-a', receipt, receivedAt);
    const again = dlrRawEventOf('telco-a', receipt, new Date(receivedAt.getTime() + 5_000));
    const other = dlrRawEventOf('telco-b', receipt, receivedAt);
    expect(first.ok && again.ok && first.event.eventId === again.event.eventId).toBe(true);
    expect(first.ok && other.ok && first.event.eventId !== other.event.eventId).toBe(true);
  });

  it("names the carriers of the bind's SMSC account when it is shared, and nothing else then", () => {
    const receipt = receiptOf({ text: text('AB12', 'DELIVRD', '000') });
    const shared = dlrRawEventOf('telco-b', receipt, receivedAt, ['telco-a', 'telco-b']);
    const alone = dlrRawEventOf('telco-b', receipt, receivedAt, []);
    expect(shared).toMatchObject({
      ok: true,
      event: { carrierId: 'telco-b', accountCarrierIds: ['telco-a', 'telco-b'] },
    });
    if (shared.ok) expect(SMS_DLR_RAW.schema.parse(shared.event)).toEqual(shared.event);
    expect(alone.ok && alone.event.accountCarrierIds).toBe(undefined);
    // The receipt's identity is the bind's carrier and the receipt, not the account.
    expect(shared.ok && alone.ok && shared.event.eventId === alone.event.eventId).toBe(true);
  });

  it('refuses a receipt that does not fit the contract instead of throwing', () => {
    const mapped = dlrRawEventOf(
      'telco-a',
      receiptOf({ receiptedMessageId: 'x'.repeat(70), messageState: 2 }),
      receivedAt,
    );
    expect(mapped).toMatchObject({
      ok: false,
      reason: expect.stringContaining('carrierMessageId'),
    });
  });

  it.each([
    ['a 65-character id', 'telco-a', text('x'.repeat(65), 'DELIVRD', '000'), undefined],
    ['a 66-character id', 'telco-a', text('x'.repeat(66), 'DELIVRD', '000'), 'carrierMessageId'],
    ['a 32-character stat', 'telco-a', text('AB12', 'S'.repeat(32), '000'), undefined],
    ['a 33-character stat', 'telco-a', text('AB12', 'S'.repeat(33), '000'), 'rawState'],
    ['a 33-character err', 'telco-a', text('AB12', 'DELIVRD', '9'.repeat(33)), 'errorCode'],
    ['a carrier id that is not a slug', 'Telco_A', text('AB12', 'DELIVRD', '000'), 'carrierId'],
  ])(
    'agrees with the sms.dlr.raw contract on %s',
    (_label, carrierId, receiptText, failingField) => {
      const mapped = dlrRawEventOf(carrierId, receiptOf({ text: receiptText }), receivedAt);
      if (failingField === undefined) {
        expect(mapped.ok).toBe(true);
        if (mapped.ok) expect(SMS_DLR_RAW.schema.safeParse(mapped.event).success).toBe(true);
      } else {
        expect(mapped).toMatchObject({ ok: false, reason: expect.stringContaining(failingField) });
      }
    },
  );
});

describe(moRawEventOf.name, () => {
  it('builds a valid sms.mo.raw event', () => {
    expect(
      moRawEventOf(
        'telco-a',
        { source: '+38267123456', destination: '1234', text: 'BAL' },
        receivedAt,
      ),
    ).toMatchObject({
      ok: true,
      event: { carrierId: 'telco-a', source: '+38267123456', destination: '1234', text: 'BAL' },
    });
  });

  it('carries the concatenation numbering of one part of a long MO', () => {
    const mapped = moRawEventOf(
      'telco-a',
      {
        source: '+38267123456',
        destination: '1234',
        text: 'part two',
        concat: { reference: 0x1234, total: 3, seq: 2 },
      },
      receivedAt,
    );
    expect(mapped).toMatchObject({
      ok: true,
      event: { text: 'part two', concat: { reference: 0x1234, total: 3, seq: 2 } },
    });
  });

  it('refuses numbering that does not add up', () => {
    expect(
      moRawEventOf(
        'telco-a',
        {
          source: '+1',
          destination: '1234',
          text: 'x',
          concat: { reference: 1, total: 2, seq: 3 },
        },
        receivedAt,
      ),
    ).toMatchObject({ ok: false });
  });
});
