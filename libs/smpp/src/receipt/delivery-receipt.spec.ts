import { readDeliveryReceipt } from './delivery-receipt';

const text = (value: string): Buffer => Buffer.from(value, 'latin1');

describe(readDeliveryReceipt.name, () => {
  it('prefers the receipted_message_id and message_state TLVs over the text', () => {
    const sut = readDeliveryReceipt({
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: text(
        'id:3735928559 sub:001 dlvrd:000 submit date:2611252158 done date:2611252159 stat:DELIVRD err:000 text:',
      ),
      receiptedMessageId: 'DEADBEEF',
      messageState: 5,
    });
    expect(sut).toMatchObject({
      messageId: 'DEADBEEF',
      messageIdSource: 'tlv',
      textId: '3735928559',
      state: 'undeliverable',
      stateSource: 'tlv',
      stat: 'DELIVRD',
    });
  });

  it('falls back to the text when there are no TLVs', () => {
    expect(
      readDeliveryReceipt({
        esmClass: 0x04,
        dataCoding: 0,
        shortMessage: text('id:abc stat:EXPIRED err:012'),
      }),
    ).toMatchObject({
      messageId: 'abc',
      messageIdSource: 'text',
      state: 'expired',
      stateSource: 'text',
      err: '012',
    });
  });

  it('reads the text from message_payload when short_message is empty', () => {
    expect(
      readDeliveryReceipt({
        esmClass: 0x04,
        dataCoding: 0,
        shortMessage: Buffer.alloc(0),
        messagePayload: text('id:9 stat:REJECTD'),
      }),
    ).toMatchObject({ messageId: '9', state: 'rejected' });
  });

  it('ignores a message_state outside SMPP 3.4 and uses the text', () => {
    expect(
      readDeliveryReceipt({
        esmClass: 0x04,
        dataCoding: 0,
        shortMessage: text('id:9 stat:DELIVRD'),
        messageState: 42,
      }),
    ).toMatchObject({ state: 'delivered', stateSource: 'text' });
  });

  it('accepts intermediate notifications (esm_class 0x20)', () => {
    expect(
      readDeliveryReceipt({
        esmClass: 0x20,
        dataCoding: 0,
        shortMessage: text('id:9 stat:ENROUTE'),
      })?.state,
    ).toBe('enroute');
  });

  it('returns undefined for an MO (esm_class 0x00) even if it looks like a receipt', () => {
    expect(
      readDeliveryReceipt({
        esmClass: 0x00,
        dataCoding: 0,
        shortMessage: text('id:9 stat:DELIVRD'),
      }),
    ).toBeUndefined();
  });

  it('returns undefined when no id can be found', () => {
    expect(
      readDeliveryReceipt({ esmClass: 0x04, dataCoding: 0, shortMessage: text('stat:DELIVRD') }),
    ).toBeUndefined();
  });
});
