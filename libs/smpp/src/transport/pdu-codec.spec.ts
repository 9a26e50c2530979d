import { decodePdu, encodePdu } from './pdu-codec';

describe('PDU codec over node-smpp', () => {
  it('submit_sm: golden bytes with data_coding 0x00 and short_message as given', () => {
    const octets = encodePdu(
      {
        command: 'submit_sm',
        sourceAddrTon: 1,
        sourceAddrNpi: 1,
        sourceAddr: '123',
        destAddrTon: 1,
        destAddrNpi: 1,
        destinationAddr: '456',
        registeredDelivery: 1,
        shortMessage: Buffer.from('4869', 'hex'),
      },
      1,
    );
    const golden = [
      '00000029', // command_length 41
      '00000004', // command_id submit_sm
      '00000000', // command_status
      '00000001', // sequence_number
      '00', // service_type ""
      '0101', // source_addr_ton, source_addr_npi
      '31323300', // source_addr "123"
      '0101', // dest_addr_ton, dest_addr_npi
      '34353600', // destination_addr "456"
      '000000', // esm_class, protocol_id, priority_flag
      '00', // schedule_delivery_time ""
      '00', // validity_period ""
      '01', // registered_delivery
      '00', // replace_if_present_flag
      '00', // data_coding 0x00 (SMSC default alphabet)
      '00', // sm_default_msg_id
      '02', // sm_length
      '4869', // short_message
    ];
    expect(octets.toString('hex')).toBe(golden.join(''));
  });

  it('submit_sm with validity_period, SAR TLVs and message_payload: golden bytes, and back', () => {
    const pdu = {
      command: 'submit_sm',
      destinationAddr: '4',
      validityPeriod: '261126090507800+',
      dataCoding: 0x08,
      shortMessage: Buffer.alloc(0),
      sarMsgRefNum: 0xbeef,
      sarTotalSegments: 2,
      sarSegmentSeqnum: 1,
      messagePayload: Buffer.from('0416', 'hex'),
    } as const;
    const octets = encodePdu(pdu, 2);
    const golden = [
      '00000048', // command_length 72
      '00000004', // submit_sm
      '00000000',
      '00000002',
      '00', // service_type
      '0000', // source TON/NPI
      '00', // source_addr ""
      '0000', // dest TON/NPI
      '3400', // destination_addr "4"
      '000000', // esm_class, protocol_id, priority_flag
      '00', // schedule_delivery_time
      Buffer.from('261126090507800+\0').toString('hex'), // validity_period, absolute, UTC
      '00', // registered_delivery
      '00', // replace_if_present_flag
      '08', // data_coding UCS-2
      '00', // sm_default_msg_id
      '00', // sm_length 0: the text is in message_payload
    ];
    const tlvs = ['020c0002beef', '020e000102', '020f000101', '042400020416'];
    const hex = octets.toString('hex');
    expect(hex.slice(0, golden.join('').length)).toBe(golden.join(''));
    // TLV order is the library's; each must be present exactly once.
    const rest = hex.slice(golden.join('').length);
    expect(rest).toHaveLength(tlvs.join('').length);
    for (const tlv of tlvs) expect(rest).toContain(tlv);
    expect(decodePdu(octets)).toMatchObject({
      validityPeriod: '261126090507800+',
      sarMsgRefNum: 0xbeef,
      sarTotalSegments: 2,
      sarSegmentSeqnum: 1,
      messagePayload: Buffer.from('0416', 'hex'),
    });
  });

  it('keeps GSM septets raw both ways (node-smpp would turn 0x1B65 into a string and pick data_coding 0x01)', () => {
    const shortMessage = Buffer.from('0500032a0201' + '1b65' + '00', 'hex');
    const decoded = decodePdu(encodePdu({ command: 'submit_sm', esmClass: 0x40, shortMessage }, 9));
    expect(decoded).toMatchObject({
      command: 'submit_sm',
      sequenceNumber: 9,
      dataCoding: 0,
      esmClass: 0x40,
    });
    expect(decoded.command === 'submit_sm' && decoded.shortMessage.toString('hex')).toBe(
      shortMessage.toString('hex'),
    );
  });

  it('deliver_sm receipt: reads receipted_message_id and message_state TLVs', () => {
    const octets = encodePdu(
      {
        command: 'deliver_sm',
        esmClass: 0x04,
        shortMessage: Buffer.from('id:1 stat:DELIVRD'),
        receiptedMessageId: 'AB12',
        messageState: 2,
      },
      3,
    );
    // TLV 0x001E length 5 "AB12\0", TLV 0x0427 length 1 value 2 (SMPP 3.4 §5.3.2.12, §5.3.2.35)
    expect(octets.subarray(-14).toString('hex')).toBe(
      '001e0005' + '4142313200' + '04270001' + '02',
    );
    expect(decodePdu(octets)).toMatchObject({
      command: 'deliver_sm',
      receiptedMessageId: 'AB12',
      messageState: 2,
    });
  });

  it('omits the body of a failed submit_sm_resp (SMPP 3.4 §4.4.2)', () => {
    expect(
      encodePdu({ command: 'submit_sm_resp', commandStatus: 0x58, messageId: 'x' }, 5).toString(
        'hex',
      ),
    ).toBe('00000010' + '80000004' + '00000058' + '00000005');
  });

  it('maps an undefined command_id to an unsupported PDU instead of throwing', () => {
    expect(
      decodePdu(Buffer.from('00000010' + '000000ff' + '00000000' + '00000002', 'hex')),
    ).toEqual({
      command: 'unsupported',
      name: 'unknown',
      commandId: 0xff,
      isResponse: false,
      commandStatus: 0,
      sequenceNumber: 2,
    });
  });
});
