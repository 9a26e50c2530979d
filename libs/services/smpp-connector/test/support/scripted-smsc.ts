import { type OutgoingPdu, SmppListener, type SmppPdu, type SmppSession } from '@tuxhat/smpp';

/**
 * A hand-driven SMSC for what the simulator never does (malformed receipts): accepts any bind
 * and answers enquire_link and unbind; everything else the test sends and awaits itself.
 */
export class ScriptedSmsc {
  private readonly listener = new SmppListener({ host: '127.0.0.1', port: 0 });
  private readonly sessions = new Set<SmppSession>();
  private bound: ((session: SmppSession) => void) | undefined;
  private session: SmppSession | undefined;

  async start(): Promise<number> {
    this.listener.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('pdu', (pdu) => this.answer(session, pdu));
    });
    return (await this.listener.listen()).port;
  }

  /** Resolves once an ESME is bound. */
  whenBound(): Promise<SmppSession> {
    if (this.session) return Promise.resolve(this.session);
    return new Promise((resolve) => (this.bound = resolve));
  }

  /** Sends a deliver_sm and resolves with the command_status of its deliver_sm_resp. */
  async deliver(
    fields: Omit<Extract<OutgoingPdu, { command: 'deliver_sm' }>, 'command'>,
  ): Promise<number> {
    const session = await this.whenBound();
    return new Promise((resolve) => {
      const sequenceNumber = session.send({ command: 'deliver_sm', ...fields });
      const listener = (pdu: SmppPdu): void => {
        if (pdu.command === 'deliver_sm_resp' && pdu.sequenceNumber === sequenceNumber) {
          session.off('pdu', listener);
          resolve(pdu.commandStatus);
        }
      };
      session.on('pdu', listener);
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.close(500)));
    await this.listener.close(500);
  }

  private answer(session: SmppSession, pdu: SmppPdu): void {
    switch (pdu.command) {
      case 'bind_transceiver':
        session.send({
          command: 'bind_transceiver_resp',
          sequenceNumber: pdu.sequenceNumber,
          systemId: 'SCRIPTED',
        });
        this.session = session;
        this.bound?.(session);
        return;
      case 'enquire_link':
        session.send({ command: 'enquire_link_resp', sequenceNumber: pdu.sequenceNumber });
        return;
      case 'unbind':
        session.send({ command: 'unbind_resp', sequenceNumber: pdu.sequenceNumber });
        return;
      default:
        return;
    }
  }
}
