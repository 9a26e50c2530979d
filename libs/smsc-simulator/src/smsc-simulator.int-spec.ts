import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  CommandStatus,
  SmppSession,
  decodePdu,
  encodePdu,
  type OutgoingPdu,
  type SmppPdu,
} from '@tuxhat/smpp';
import { NoReceiverBoundError, SmscSimulator } from './smsc-simulator';
import { ACCOUNT, Harness } from './testing/simulator-harness';

/** A raw SMPP session to the simulator, to send what EsmeClient never would. */
async function rawSession(port: number): Promise<SmppSession> {
  return SmppSession.connect({ host: '127.0.0.1', port, connectTimeoutMs: 1_000 });
}

/** Sends a request and resolves with the PDU answering its sequence number. */
function request(session: SmppSession, pdu: OutgoingPdu): Promise<SmppPdu> {
  return new Promise((resolve) => {
    let sequenceNumber = -1;
    const listener = (received: SmppPdu): void => {
      if (received.sequenceNumber === sequenceNumber) {
        session.off('pdu', listener);
        resolve(received);
      }
    };
    session.on('pdu', listener);
    sequenceNumber = session.send(pdu);
  });
}

const BIND = {
  command: 'bind_transceiver',
  systemId: ACCOUNT.systemId,
  password: ACCOUNT.password,
  interfaceVersion: 0x34,
} as const;

/** Reads everything the server sends until it closes the connection. */
async function readUntilClosed(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

describe(SmscSimulator.name, () => {
  const harness = new Harness();
  const sessions: SmppSession[] = [];
  afterEach(async () => {
    sessions.splice(0).forEach((session) => session.destroy());
    await harness.cleanup();
  });

  async function session(port: number): Promise<SmppSession> {
    const opened = await rawSession(port);
    sessions.push(opened);
    return opened;
  }

  describe('protocol', () => {
    it.each([
      ['a command_length beyond the maximum', '7fffffff' + '00000004' + '00000000' + '00000001'],
      ['a command_length shorter than the header', '00000008' + '00000004'],
    ])('answers %s with generic_nack ESME_RINVCMDLEN and closes', async (_label, hex) => {
      const { simulator, port } = await harness.simulator();
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const protocolError = once(simulator, 'protocolError');
      const reply = readUntilClosed(socket);

      socket.write(Buffer.from(hex, 'hex'));

      expect((await reply).toString('hex')).toBe('00000010' + '80000000' + '00000002' + '00000000');
      expect((await protocolError)[0].error.message).toEqual(expect.any(String));
    });

    it('answers an unknown command_id with generic_nack ESME_RINVCMDID and keeps the session', async () => {
      const { port } = await harness.simulator();
      const sut = await session(port);
      const nack = once(sut, 'pdu');
      await sut.writeRaw(Buffer.from('00000010' + '000000ff' + '00000000' + '00000009', 'hex'));
      expect((await nack)[0]).toMatchObject({
        command: 'generic_nack',
        sequenceNumber: 9,
        commandStatus: CommandStatus.ESME_RINVCMDID,
      });
      expect(await request(sut, BIND)).toMatchObject({
        command: 'bind_transceiver_resp',
        commandStatus: 0,
      });
    });

    it('answers commands it does not implement (query_sm) with generic_nack', async () => {
      const { port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, BIND);
      // query_sm (SMPP 3.4 §4.8): message_id "1", source_addr_ton/npi 0, source_addr "".
      const nack = once(sut, 'pdu');
      await sut.writeRaw(
        Buffer.from(
          '00000015' + '00000003' + '00000000' + '0000000b' + '3100' + '00' + '00' + '00',
          'hex',
        ),
      );
      expect((await nack)[0]).toMatchObject({
        command: 'generic_nack',
        sequenceNumber: 11,
        commandStatus: CommandStatus.ESME_RINVCMDID,
      });
    });

    it('refuses submit_sm before bind with ESME_RINVBNDSTS', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await session(port);
      expect(
        await request(sut, {
          command: 'submit_sm',
          destinationAddr: '1',
          shortMessage: Buffer.from('x'),
        }),
      ).toMatchObject({
        command: 'submit_sm_resp',
        commandStatus: CommandStatus.ESME_RINVBNDSTS,
      });
      expect(simulator.received()).toHaveLength(0);
    });

    it('refuses submit_sm on a receiver bind with ESME_RINVBNDSTS', async () => {
      const { port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, { ...BIND, command: 'bind_receiver' });
      expect(
        await request(sut, {
          command: 'submit_sm',
          destinationAddr: '1',
          shortMessage: Buffer.from('x'),
        }),
      ).toMatchObject({
        commandStatus: CommandStatus.ESME_RINVBNDSTS,
      });
    });

    it('refuses a second bind on the same session with ESME_RALYBND', async () => {
      const { port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, BIND);
      expect(await request(sut, BIND)).toMatchObject({ commandStatus: CommandStatus.ESME_RALYBND });
    });

    it('answers enquire_link before and after bind', async () => {
      const { port } = await harness.simulator();
      const sut = await session(port);
      expect(await request(sut, { command: 'enquire_link' })).toMatchObject({
        command: 'enquire_link_resp',
        commandStatus: 0,
      });
      await request(sut, BIND);
      expect(await request(sut, { command: 'enquire_link' })).toMatchObject({
        command: 'enquire_link_resp',
        commandStatus: 0,
      });
    });

    it('answers unbind with unbind_resp and closes the connection', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, BIND);
      const closed = once(sut, 'close');
      const unbound = once(simulator, 'unbind');
      expect(await request(sut, { command: 'unbind' })).toMatchObject({
        command: 'unbind_resp',
        commandStatus: 0,
      });
      await closed;
      expect((await unbound)[0]).toMatchObject({ systemId: ACCOUNT.systemId });
    });

    it('reads the text of a submit carried in message_payload', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, BIND);
      const long = 'x'.repeat(300);
      const response = await request(sut, {
        command: 'submit_sm',
        destinationAddr: '1',
        shortMessage: Buffer.alloc(0),
        messagePayload: Buffer.from(long),
      });
      expect(response).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0 });
      expect(simulator.received()[0]?.text).toBe(long);
    });

    it('sends receipts with esm_class 0x04, Appendix B text and both TLVs', async () => {
      const { port } = await harness.simulator({ finalState: 'EXPIRED' });
      const sut = await session(port);
      await request(sut, BIND);
      const deliver = new Promise<SmppPdu>((resolve) =>
        sut.on('pdu', (pdu) => pdu.command === 'deliver_sm' && resolve(pdu)),
      );
      const response = await request(sut, {
        command: 'submit_sm',
        sourceAddr: 'Bank',
        destinationAddr: '447700900001',
        registeredDelivery: 1,
        shortMessage: Buffer.from('Your balance is 5'),
      });
      const messageId = response.command === 'submit_sm_resp' ? response.messageId : '';

      const receipt = await deliver;
      expect(receipt).toMatchObject({
        esmClass: 0x04,
        receiptedMessageId: messageId,
        messageState: 3,
        sourceAddr: '447700900001',
        destinationAddr: 'Bank',
      });
      const text = receipt.command === 'deliver_sm' ? receipt.shortMessage.toString('latin1') : '';
      expect(text).toMatch(
        new RegExp(
          `^id:${messageId} sub:001 dlvrd:000 submit date:\\d{10} done date:\\d{10} stat:EXPIRED err:001 text:Your balance is 5$`,
        ),
      );
      sut.send({ command: 'deliver_sm_resp', sequenceNumber: receipt.sequenceNumber });
    });

    it('in receiptBeforeResponse mode writes the receipt before the submit_sm_resp', async () => {
      const { port } = await harness.simulator({ receiptBeforeResponse: true });
      const sut = await session(port);
      await request(sut, BIND);
      const order: string[] = [];
      const both = new Promise<void>((resolve) =>
        sut.on('pdu', (pdu) => {
          order.push(pdu.command);
          if (order.length === 2) resolve();
        }),
      );
      sut.send({
        command: 'submit_sm',
        destinationAddr: '1',
        registeredDelivery: 1,
        shortMessage: Buffer.from('x'),
      });
      await both;
      expect(order).toEqual(['deliver_sm', 'submit_sm_resp']);
    });
  });

  describe('lifecycle', () => {
    it('unbinds bound sessions on stop and releases the port', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await session(port);
      await request(sut, BIND);
      const unbind = new Promise<SmppPdu>((resolve) =>
        sut.on('pdu', (pdu) => pdu.command === 'unbind' && resolve(pdu)),
      );
      const stopped = simulator.stop();

      const received = await unbind;
      sut.send({ command: 'unbind_resp', sequenceNumber: received.sequenceNumber });
      await stopped;

      const probe = connect(port, '127.0.0.1');
      const [error] = (await once(probe, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).toBe('ECONNREFUSED');
    });

    it('refuses injectMo when no receiver is bound', async () => {
      const { simulator, port } = await harness.simulator();
      await harness.boundClient(port, { bindType: 'transmitter' });
      await expect(simulator.injectMo({ from: '1', to: '2', text: 'x' })).rejects.toBeInstanceOf(
        NoReceiverBoundError,
      );
    });

    it('validates its options', () => {
      expect(() => new SmscSimulator({ errorRate: 0.7, throttleRate: 0.5 })).toThrow(
        'errorRate + throttleRate',
      );
      expect(() => new SmscSimulator({ errorRate: -0.1 })).toThrow(RangeError);
      expect(() => new SmscSimulator({ errorStatus: 0 })).toThrow('non-zero');
      expect(() => new SmscSimulator({ finalState: 'NOPE' as never })).toThrow(
        'unknown receipt stat',
      );
    });
  });

  it('encodes PDUs the way decodePdu reads them (tooling sanity)', () => {
    expect(decodePdu(encodePdu({ command: 'enquire_link' }, 3))).toEqual({
      command: 'enquire_link',
      commandStatus: 0,
      sequenceNumber: 3,
    });
  });
});
