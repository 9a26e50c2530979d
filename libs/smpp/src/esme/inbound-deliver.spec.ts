import { encodeGsm7 } from '../encoding/gsm7-codec';
import { encodeUcs2 } from '../encoding/ucs2-codec';
import { EsmClass } from '../protocol/esm-class';
import { MessageState } from '../protocol/message-state';
import type { DataSmPdu, DeliverSmPdu } from '../transport/smpp-pdu';
import { classifyDeliver } from './inbound-deliver';

const ADDRESSING = {
  commandStatus: 0,
  sequenceNumber: 7,
  serviceType: '',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '38267123456',
  destAddrTon: 0,
  destAddrNpi: 0,
  destinationAddr: '1234',
  registeredDelivery: 0,
};

function dataSm(fields: Partial<DataSmPdu>): DataSmPdu {
  return { ...ADDRESSING, command: 'data_sm', esmClass: 0, dataCoding: 0, ...fields };
}

function deliverSm(fields: Partial<DeliverSmPdu>): DeliverSmPdu {
  return {
    ...ADDRESSING,
    command: 'deliver_sm',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    ...fields,
  };
}

describe(classifyDeliver.name, () => {
  it('reads an MO sent as data_sm from its message_payload, SAR numbering included', () => {
    const pdu = dataSm({
      dataCoding: 0x08,
      messagePayload: encodeUcs2('Привет 👋'),
      sarMsgRefNum: 300,
      sarTotalSegments: 2,
      sarSegmentSeqnum: 1,
    });
    expect(classifyDeliver(pdu)).toEqual({
      kind: 'mo',
      pdu,
      mo: {
        sourceAddr: '38267123456',
        destinationAddr: '1234',
        dataCoding: 0x08,
        esmClass: 0,
        text: 'Привет 👋',
        payload: encodeUcs2('Привет 👋'),
        concat: { reference: 300, total: 2, sequence: 1 },
      },
    });
  });

  it('reads a receipt sent as data_sm from its TLVs, or from the Appendix B text in message_payload', () => {
    const byTlvs = classifyDeliver(
      dataSm({
        esmClass: EsmClass.MC_DELIVERY_RECEIPT,
        receiptedMessageId: '0A1B2C',
        messageState: MessageState.DELIVERED,
      }),
    );
    expect(byTlvs).toMatchObject({
      kind: 'receipt',
      receipt: { messageId: '0A1B2C', state: 'delivered', messageIdSource: 'tlv' },
    });
    const byText = classifyDeliver(
      dataSm({
        esmClass: EsmClass.MC_DELIVERY_RECEIPT,
        messagePayload: encodeGsm7(
          'id:0A1B2C sub:001 dlvrd:000 submit date:2611251000 done date:2611251001 stat:UNDELIV err:001 text:',
        ),
      }),
    );
    expect(byText).toMatchObject({
      kind: 'receipt',
      receipt: { messageId: '0A1B2C', state: 'undeliverable', messageIdSource: 'text', err: '001' },
    });
  });

  it('calls a data_sm receipt without an id unreadable', () => {
    const pdu = dataSm({ esmClass: EsmClass.MC_DELIVERY_RECEIPT });
    expect(classifyDeliver(pdu)).toEqual({ kind: 'unreadable-receipt', pdu });
  });

  it('reads a deliver_sm MO from message_payload when short_message is empty', () => {
    const deliver = classifyDeliver(deliverSm({ messagePayload: encodeGsm7('STOP') }));
    expect(deliver).toMatchObject({ kind: 'mo', mo: { text: 'STOP' } });
  });
});
