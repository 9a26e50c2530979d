import { once } from 'node:events';
import { CommandStatus } from '../protocol/command-status';
import type { SmppPdu } from '../transport/smpp-pdu';
import { SmppListener } from '../transport/smpp-listener';
import type { SmppSession } from '../transport/smpp-session';
import { EsmeClient } from './esme-client';
import type { EsmeClientOptions } from './esme-client.options';

/**
 * A hand-driven SMSC: accepts any bind, answers nothing else unless the test says so.
 * Lets these tests misbehave in ways the simulator never would.
 */
class FakeSmsc {
  readonly listener = new SmppListener({ host: '127.0.0.1', port: 0 });
  readonly received: SmppPdu[] = [];
  session: SmppSession | undefined;
  answerEnquireLink = true;

  async start(): Promise<number> {
    this.listener.on('session', (session) => {
      this.session = session;
      session.on('pdu', (pdu) => {
        this.received.push(pdu);
        if (pdu.command === 'bind_transceiver') {
          session.send({
            command: 'bind_transceiver_resp',
            sequenceNumber: pdu.sequenceNumber,
            systemId: 'FAKE',
          });
        } else if (pdu.command === 'enquire_link' && this.answerEnquireLink) {
          session.send({ command: 'enquire_link_resp', sequenceNumber: pdu.sequenceNumber });
        } else if (pdu.command === 'unbind') {
          session.send({ command: 'unbind_resp', sequenceNumber: pdu.sequenceNumber });
        }
      });
    });
    return (await this.listener.listen()).port;
  }

  /** Resolves with the next PDU of this command the ESME sends. */
  next(command: SmppPdu['command']): Promise<SmppPdu> {
    return new Promise((resolve) => {
      const session = this.session;
      if (!session) throw new Error('no session');
      const listener = (pdu: SmppPdu): void => {
        if (pdu.command === command) {
          session.off('pdu', listener);
          resolve(pdu);
        }
      };
      session.on('pdu', listener);
    });
  }

  stop(): Promise<void> {
    return this.listener.close();
  }
}

describe(`${EsmeClient.name} against a misbehaving SMSC`, () => {
  let smsc: FakeSmsc;
  let sut: EsmeClient;

  async function bind(options: Partial<EsmeClientOptions> = {}): Promise<void> {
    const port = await smsc.start();
    sut = new EsmeClient({
      host: '127.0.0.1',
      port,
      systemId: 'esme',
      password: 'pw',
      enquireLinkIntervalMs: 0,
      reconnect: false,
      closeTimeoutMs: 500,
      ...options,
    });
    await sut.connect();
  }

  beforeEach(() => {
    smsc = new FakeSmsc();
  });

  afterEach(async () => {
    await sut.close();
    await smsc.stop();
  });

  it('sends SMPP 3.4 bind_transceiver with the configured credentials', async () => {
    await bind({ systemType: 'OTP' });
    expect(smsc.received[0]).toMatchObject({
      command: 'bind_transceiver',
      systemId: 'esme',
      password: 'pw',
      systemType: 'OTP',
      interfaceVersion: 0x34,
    });
  });

  it("answers the SMSC's enquire_link with the same sequence number", async () => {
    await bind();
    const session = smsc.session;
    if (!session) throw new Error('no session');
    const answer = smsc.next('enquire_link_resp');
    session.send({ command: 'enquire_link', sequenceNumber: 4242 });
    expect(await answer).toMatchObject({ sequenceNumber: 4242, commandStatus: 0 });
  });

  it('sends enquire_link periodically while bound', async () => {
    await bind({ enquireLinkIntervalMs: 30 });
    const first = await smsc.next('enquire_link');
    const second = await smsc.next('enquire_link');
    expect(second.sequenceNumber).toBeGreaterThan(first.sequenceNumber);
    expect(sut.state).toBe('bound');
  });

  it('drops the bind with reason enquire-link-timeout when the SMSC stops answering', async () => {
    smsc.answerEnquireLink = false;
    await bind({ enquireLinkIntervalMs: 20, responseTimeoutMs: 60 });
    const [event] = await once(sut, 'unbound');
    expect(event).toMatchObject({ reason: 'enquire-link-timeout', willReconnect: false });
    expect(sut.state).toBe('idle');
  });

  it('closes with reason protocol-error (after a generic_nack) on a malformed PDU instead of stalling', async () => {
    await bind();
    const nack = smsc.next('generic_nack');
    const unbound = once(sut, 'unbound');
    // command_length 0x7FFFFFFF: beyond any sane PDU; node-smpp throws and would stop reading.
    await writeRaw(smsc, Buffer.from('7fffffff00000004000000000000000a', 'hex'));
    expect(await nack).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDLEN });
    expect((await unbound)[0]).toMatchObject({ reason: 'protocol-error', willReconnect: false });
  });

  it('answers an unexpected request with generic_nack ESME_RINVCMDID and stays bound', async () => {
    await bind();
    const nack = smsc.next('generic_nack');
    smsc.session?.send({ command: 'bind_transmitter', sequenceNumber: 77, systemId: 'x' });
    expect(await nack).toMatchObject({
      sequenceNumber: 77,
      commandStatus: CommandStatus.ESME_RINVCMDID,
    });
    expect(sut.state).toBe('bound');
  });

  it('answers deliver_sm with ESME_RX_T_APPN when no deliver handler is registered', async () => {
    await bind();
    const resp = smsc.next('deliver_sm_resp');
    smsc.session?.send({
      command: 'deliver_sm',
      sequenceNumber: 5,
      esmClass: 0x04,
      shortMessage: Buffer.from('id:1 stat:DELIVRD'),
    });
    expect(await resp).toMatchObject({
      sequenceNumber: 5,
      commandStatus: CommandStatus.ESME_RX_T_APPN,
    });
  });

  it('hands over a receipt whose id only the text carries', async () => {
    await bind();
    const received = new Promise((resolve) =>
      sut.on('deliver', async (deliver) => resolve(deliver)),
    );
    smsc.session?.send({
      command: 'deliver_sm',
      sequenceNumber: 6,
      esmClass: 0x04,
      shortMessage: Buffer.from('id:0042 sub:001 dlvrd:000 stat:UNDELIV err:034 text:hi'),
    });
    expect(await received).toMatchObject({
      kind: 'receipt',
      receipt: { messageId: '0042', messageIdSource: 'text', state: 'undeliverable', err: '034' },
    });
  });
});

/** Writes raw octets on the SMSC side of the connection (bypassing PDU encoding). */
async function writeRaw(smsc: FakeSmsc, octets: Buffer): Promise<void> {
  const session = smsc.session;
  if (!session) throw new Error('no session');
  await session.writeRaw(octets);
}
