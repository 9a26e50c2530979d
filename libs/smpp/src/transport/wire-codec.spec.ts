import type { OutgoingPdu } from './smpp-pdu';
import { decodeFrame, decodeWithNodeSmpp, encodeOutgoing, encodeWithNodeSmpp } from './wire-codec';

/** A small deterministic generator (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const next = random(seed);
  const int = (max: number): number => Math.floor(next() * (max + 1));
  const maybe = <T>(value: () => T): T | undefined => (next() < 0.5 ? value() : undefined);
  const text = (max: number): string =>
    Array.from({ length: int(max) }, () =>
      // mostly printable ASCII; now and then a character node-smpp writes as its low octet
      String.fromCharCode(next() < 0.9 ? 0x20 + int(0x5e) : 0xa0 + int(0xff)),
    ).join('');
  const octets = (max: number): Buffer =>
    Buffer.from(Array.from({ length: int(max) }, () => int(255)));
  return { int, maybe, text, octets };
}

/** Drops the keys whose value is undefined (an OutgoingPdu leaves them out). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function pdusOf(seed: number): OutgoingPdu[] {
  const g = generator(seed);
  const addressing = () => ({
    serviceType: g.maybe(() => g.text(5)),
    sourceAddrTon: g.maybe(() => g.int(6)),
    sourceAddrNpi: g.maybe(() => g.int(18)),
    sourceAddr: g.maybe(() => g.text(20)),
    destAddrTon: g.maybe(() => g.int(6)),
    destAddrNpi: g.maybe(() => g.int(18)),
    destinationAddr: g.maybe(() => g.text(20)),
  });
  const tlvs = () => ({
    messagePayload: g.maybe(() => g.octets(600)),
    receiptedMessageId: g.maybe(() => g.text(64)),
    messageState: g.maybe(() => g.int(8)),
    networkErrorCode: g.maybe(() => g.octets(3)),
    sarMsgRefNum: g.maybe(() => g.int(0xffff)),
    sarTotalSegments: g.maybe(() => g.int(255)),
    sarSegmentSeqnum: g.maybe(() => g.int(255)),
  });
  const shortMessage = (command: 'submit_sm' | 'deliver_sm'): OutgoingPdu =>
    defined({
      command,
      ...addressing(),
      esmClass: g.maybe(() => g.int(255)),
      protocolId: g.maybe(() => g.int(255)),
      priorityFlag: g.maybe(() => g.int(3)),
      scheduleDeliveryTime: g.maybe(() => g.text(16)),
      validityPeriod: g.maybe(() => g.text(16)),
      registeredDelivery: g.maybe(() => g.int(31)),
      replaceIfPresentFlag: g.maybe(() => g.int(1)),
      dataCoding: g.maybe(() => g.int(255)),
      smDefaultMsgId: g.maybe(() => g.int(255)),
      shortMessage: g.maybe(() => g.octets(254)),
      ...tlvs(),
    });
  const dataSm = (): OutgoingPdu =>
    defined({
      command: 'data_sm',
      ...addressing(),
      esmClass: g.maybe(() => g.int(255)),
      registeredDelivery: g.maybe(() => g.int(31)),
      dataCoding: g.maybe(() => g.int(255)),
      ...tlvs(),
    });
  const bind = (command: 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver'): OutgoingPdu =>
    defined({
      command,
      systemId: g.maybe(() => g.text(15)),
      password: g.maybe(() => g.text(8)),
      systemType: g.maybe(() => g.text(12)),
      interfaceVersion: g.maybe(() => g.int(0x34)),
      addrTon: g.maybe(() => g.int(6)),
      addrNpi: g.maybe(() => g.int(18)),
      addressRange: g.maybe(() => g.text(40)),
    });
  const status = (): { commandStatus?: number } =>
    defined({ commandStatus: g.maybe(() => (g.int(1) === 0 ? 0 : g.int(0x100))) });
  return [
    shortMessage('submit_sm'),
    shortMessage('deliver_sm'),
    bind('bind_transmitter'),
    bind('bind_receiver'),
    bind('bind_transceiver'),
    { command: 'bind_transceiver_resp', systemId: g.text(15), ...status() },
    { command: 'bind_receiver_resp', ...status() },
    { command: 'bind_transmitter_resp', systemId: g.text(15), ...status() },
    defined({ command: 'submit_sm_resp', messageId: g.maybe(() => g.text(64)), ...status() }),
    { command: 'deliver_sm_resp', ...status() },
    dataSm(),
    defined({ command: 'data_sm_resp', messageId: g.maybe(() => g.text(64)), ...status() }),
    { command: 'enquire_link' },
    { command: 'enquire_link_resp' },
    { command: 'unbind' },
    { command: 'unbind_resp', ...status() },
    { command: 'generic_nack', ...status() },
  ];
}

describe('wire codec (typed PDUs straight to octets and back)', () => {
  it('writes exactly the octets node-smpp writes, for every command and any set of fields', () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      pdusOf(seed).forEach((pdu, index) => {
        const sequence = (seed * 31 + index) & 0x7fffffff;
        const reference = encodeWithNodeSmpp(pdu, sequence).toString('hex');
        expect({
          seed,
          pdu: pdu.command,
          octets: encodeOutgoing(pdu, sequence).toString('hex'),
        }).toEqual({ seed, pdu: pdu.command, octets: reference });
        compared++;
      });
    }
    expect(compared).toBe(400 * 17);
  });

  it('reads exactly what node-smpp reads from those octets', () => {
    for (let seed = 1; seed <= 400; seed++) {
      for (const [index, pdu] of pdusOf(seed).entries()) {
        const octets = encodeWithNodeSmpp(pdu, seed * 100 + index);
        expect(decodeFrame(octets)).toEqual(decodeWithNodeSmpp(octets));
      }
    }
  });

  it('keeps node-smpp behaviour for bodies it does not read itself', () => {
    // A deliver_sm header (without command_length) and mandatory fields all empty or zero:
    // service_type, source and destination (ton, npi, addr), esm_class, protocol_id,
    // priority_flag, schedule, validity, registered_delivery, replace_if_present, data_coding,
    // sm_default_msg_id, sm_length 0. The TLVs follow.
    const deliverSmHead = (sequence: string) =>
      ['00000005', '00000000', sequence, '00', '0000', '00', '0000', '00', '000000'].join('') +
      '00'.repeat(7);
    // Each case without its command_length, which is computed.
    const cases = [
      // submit_sm_resp whose message_id lacks its NUL (node-smpp reads it anyway)
      '80000004' + '00000000' + '00000001' + '414243',
      // submit_sm cut after source_addr_npi (the rest reads as defaults)
      '00000004' + '00000000' + '00000002' + '00' + '0101',
      // deliver_sm with an unknown TLV 0x1401 (carrier-specific)
      deliverSmHead('00000003') + '14010002abcd' + '04270001' + '02',
      // enquire_link with a TLV nobody expects
      '00000015' + '00000000' + '00000004' + '001e000100',
      // query_sm (not one of ours)
      '00000003' + '00000000' + '0000000b' + '3100' + '00' + '00' + '00',
      // an undefined command_id
      '000000ff' + '00000000' + '00000002',
      // receipted_message_id whose NUL lies beyond its TLV length
      deliverSmHead('00000005') + '001e0002414243' + '00' + '000000',
    ];
    for (const hex of cases) {
      const body = Buffer.from(hex, 'hex');
      const octets = Buffer.concat([Buffer.alloc(4), body]);
      octets.writeUInt32BE(octets.length, 0);
      expect(decodeFrame(octets)).toEqual(decodeWithNodeSmpp(octets));
    }
  });

  it('throws where node-smpp throws', () => {
    // enquire_link carrying a message_state TLV of length 0 at the very end
    const octets = Buffer.from(
      '00000014' + '00000015' + '00000000' + '00000001' + '04270000',
      'hex',
    );
    expect(() => decodeWithNodeSmpp(octets)).toThrow();
    expect(() => decodeFrame(octets)).toThrow();
  });

  it('refuses an integer out of range like node-smpp', () => {
    const pdu: OutgoingPdu = { command: 'submit_sm', esmClass: 256 };
    expect(() => encodeWithNodeSmpp(pdu, 1)).toThrow(/out of range/);
    expect(() => encodeOutgoing(pdu, 1)).toThrow(/out of range/);
  });
});
