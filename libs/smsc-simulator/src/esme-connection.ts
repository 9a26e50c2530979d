import { PendingResponses, type BindType, type OutgoingPdu, type SmppSession } from '@tuxhat/smpp';

/** The deliver_sm fields the simulator varies; the rest are zero/empty (SMPP 3.4 §4.6.1). */
export interface DeliverSmFields {
  sourceAddr: string;
  sourceAddrTon?: number;
  sourceAddrNpi?: number;
  destinationAddr: string;
  destAddrTon?: number;
  destAddrNpi?: number;
  esmClass: number;
  dataCoding: number;
  shortMessage: Buffer;
  receiptedMessageId?: string;
  messageState?: number;
  sarMsgRefNum?: number;
  sarTotalSegments?: number;
  sarSegmentSeqnum?: number;
}

/** Thrown when a deliver_sm cannot get a response (connection gone or no answer in time). */
export class DeliverFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliverFailedError';
  }
}

/** One ESME connection as the simulated SMSC sees it: bind state, window counters, pending deliver_sm. */
export class EsmeConnection {
  systemId: string | undefined;
  bindType: BindType | undefined;
  /** submit_sm received and not yet answered. */
  outstandingSubmits = 0;
  readonly pending = new PendingResponses(
    (command, sequence, timeoutMs) =>
      new DeliverFailedError(`no ${command}_resp for sequence ${sequence} within ${timeoutMs} ms`),
  );

  constructor(
    readonly id: number,
    readonly session: SmppSession,
  ) {}

  get bound(): boolean {
    return this.bindType !== undefined;
  }

  /** Transmitter and transceiver binds may submit (SMPP 3.4 §2.2). */
  get canSubmit(): boolean {
    return this.bindType === 'transmitter' || this.bindType === 'transceiver';
  }

  /** Receiver and transceiver binds get deliver_sm (SMPP 3.4 §2.2). */
  get canReceive(): boolean {
    return this.session.isOpen && (this.bindType === 'receiver' || this.bindType === 'transceiver');
  }

  get remoteAddress(): string {
    return this.session.remoteAddress;
  }

  /** Sends unless the connection is gone; returns whether it was written. */
  trySend(pdu: OutgoingPdu): boolean {
    if (!this.session.isOpen) return false;
    try {
      this.session.send(pdu);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends a deliver_sm, or the same as a data_sm (§4.7.1: short_message becomes the
   * message_payload TLV), and resolves with the command_status of its response (or generic_nack).
   */
  async deliver(
    fields: DeliverSmFields,
    timeoutMs: number,
    command: 'deliver_sm' | 'data_sm' = 'deliver_sm',
  ): Promise<number> {
    let sequenceNumber: number;
    try {
      if (command === 'deliver_sm') {
        sequenceNumber = this.session.send({ command, ...fields });
      } else {
        const { shortMessage, ...rest } = fields;
        sequenceNumber = this.session.send({ command, ...rest, messagePayload: shortMessage });
      }
    } catch {
      throw new DeliverFailedError(`connection closed before ${command} was sent`);
    }
    const response = await this.pending.wait(sequenceNumber, command, timeoutMs);
    return response.commandStatus;
  }

  /** Rejects every deliver_sm still waiting: the connection is gone. */
  abandon(): void {
    this.pending.rejectAll(
      () => new DeliverFailedError('connection closed before deliver_sm_resp'),
    );
  }
}
