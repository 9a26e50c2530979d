import { EventEmitter } from 'node:events';
import {
  CommandStatus,
  SmppListener,
  bindTypeOf,
  isResponsePdu,
  splitMessage,
  wantsReceipt,
  type BindPdu,
  type BindType,
  type ReceiptStat,
  type SmppPdu,
  type SmppSession,
  type SubmitSmPdu,
} from '@tuxhat/smpp';
import { EsmeConnection } from './esme-connection';
import { FinalStateResolver } from './final-state-resolver';
import { MessageIdGenerator, receiptTextId } from './message-id-generator';
import { buildReceiptDeliverSm } from './receipt-builder';
import { ReceiptOutbox, type OwedReceipt } from './receipt-outbox';
import {
  resolveSmscSimulatorOptions,
  type ResolvedSmscSimulatorOptions,
  type SmscSimulatorOptions,
} from './smsc-simulator.options';
import { decideSubmitStatus } from './submit-outcome';
import { buildSubmitRecord, type SubmitRecord } from './submit-record';
import { TimerSet } from './timer-set';

export interface MoInput {
  from: string;
  to: string;
  text: string;
  /** How a long MO is numbered (default udh8). */
  concatenation?: 'udh8' | 'udh16' | 'sar';
  /** Deliver to a receiver of this system id; default: any bound receiver. */
  systemId?: string;
}

export interface MoResult {
  systemId: string;
  /** deliver_sm sent (a long MO is concatenated like an MT). */
  parts: number;
  /** command_status of each deliver_sm_resp. */
  commandStatuses: number[];
}

export interface SmscStats {
  submits: number;
  accepted: number;
  /** Highest number of submit_sm awaiting a response on any single bind. */
  maxOutstanding: number;
  /** submit_sm awaiting a response right now, all binds. */
  outstanding: number;
  boundSessions: number;
  /** Receipts stored while no receiver is bound. */
  storedReceipts: number;
  /** Receipts the ESME answered ESME_ROK: the SMSC is done with them. */
  receiptsAcknowledged: number;
}

export interface SmscSimulatorEvents {
  listening: [{ host: string; port: number }];
  connect: [{ connectionId: number; remote: string }];
  bind: [
    {
      connectionId: number;
      remote: string;
      systemId: string;
      bindType: BindType;
      commandStatus: number;
      /** bind_* system_type, addr_ton, addr_npi and address_range as the ESME sent them (§4.1.1). */
      systemType: string;
      addrTon: number;
      addrNpi: number;
      addressRange: string;
    },
  ];
  /** The ESME sent unbind. */
  unbind: [{ connectionId: number; systemId: string | undefined }];
  disconnect: [{ connectionId: number; remote: string; systemId: string | undefined }];
  submit: [SubmitRecord];
  /** A receipt deliver_sm was written. */
  receipt: [
    {
      connectionId: number;
      systemId: string;
      messageId: string;
      stat: ReceiptStat;
      attempt: number;
    },
  ];
  /** No receiver of the system id is bound: the receipt waits for one. */
  receiptStored: [{ systemId: string; messageId: string }];
  deliverResp: [
    { kind: 'receipt' | 'mo'; systemId: string; messageId?: string; commandStatus: number },
  ];
  mo: [
    {
      systemId: string;
      from: string;
      to: string;
      text: string;
      parts: number;
      commandStatuses: number[];
    },
  ];
  /** Unparseable input: answered generic_nack and closed. */
  protocolError: [{ connectionId: number; remote: string; error: Error }];
  stopped: [];
}

/** injectMo found no receiver or transceiver bind to deliver to. */
export class NoReceiverBoundError extends Error {
  constructor(systemId: string | undefined) {
    super(systemId ? `no receiver bound for system id ${systemId}` : 'no receiver bound');
    this.name = 'NoReceiverBoundError';
  }
}

/**
 * A simulated SMSC (the carrier side of SMPP 3.4) for tests, the all-in-one gateway's default
 * carrier, and the smsc-sim daemon. Accepts binds for configured accounts, answers submit_sm
 * (optionally throttled, failed, delayed or held), sends delivery receipts and MOs as deliver_sm,
 * and records every submit.
 */
export class SmscSimulator extends EventEmitter<SmscSimulatorEvents> {
  private readonly options: ResolvedSmscSimulatorOptions;
  private readonly connections = new Set<EsmeConnection>();
  private readonly records: SubmitRecord[] = [];
  private readonly timers = new TimerSet();
  private readonly ids: MessageIdGenerator;
  private readonly finalStates: FinalStateResolver;
  private readonly outbox: ReceiptOutbox;
  private listener: SmppListener | undefined;
  private port: number;
  private nextConnectionId = 1;
  private nextMoReference = 0;
  private stopping = false;
  private responsesPaused = false;
  private heldResponses: Array<() => void> = [];
  private maxOutstanding = 0;
  private receiptsAcknowledged = 0;
  private receiverCursor = 0;

  constructor(options: SmscSimulatorOptions = {}) {
    super();
    this.options = resolveSmscSimulatorOptions(options);
    this.port = this.options.port;
    this.ids = new MessageIdGenerator(this.options.messageIdFormat);
    this.finalStates = new FinalStateResolver(
      this.options.finalState,
      this.options.finalStateByPrefix,
    );
    this.outbox = new ReceiptOutbox({
      pickReceiver: (systemId) => this.pickReceiver(systemId),
      timers: this.timers,
      deliverTimeoutMs: this.options.deliverTimeoutMs,
      redeliveryDelayMs: this.options.redeliveryDelayMs,
      receiptCommand: this.options.receiptCommand,
      isStopping: () => this.stopping,
      onSent: (receipt, connection) =>
        this.emit('receipt', {
          connectionId: connection.id,
          systemId: receipt.systemId,
          messageId: receipt.messageId,
          stat: receipt.stat,
          attempt: receipt.attempts,
        }),
      onResponse: (receipt, commandStatus) => {
        if (commandStatus === CommandStatus.ESME_ROK) this.receiptsAcknowledged++;
        this.emit('deliverResp', {
          kind: 'receipt',
          systemId: receipt.systemId,
          messageId: receipt.messageId,
          commandStatus,
        });
      },
      onStored: (receipt) =>
        this.emit('receiptStored', { systemId: receipt.systemId, messageId: receipt.messageId }),
    });
  }

  /** Listens; a restarted simulator listens on the port it had before. */
  async start(): Promise<{ host: string; port: number }> {
    if (this.listener) throw new Error('simulator already started');
    this.stopping = false;
    const listener = new SmppListener({
      host: this.options.host,
      port: this.port,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    });
    listener.on('session', (session) => this.accept(session));
    const address = await listener.listen();
    this.listener = listener;
    this.port = address.port;
    this.emit('listening', address);
    return address;
  }

  /**
   * Unbinds every session (SMPP 3.4 §4.2), closes them and the port. Receipts still owed stay
   * stored and go out after a restart, as they would from a real SMSC.
   */
  async stop(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    this.stopping = true;
    this.timers.clearAll();
    this.heldResponses = [];
    const closed = listener.close(this.options.unbindTimeoutMs + 1_000);
    await Promise.all([...this.connections].map((connection) => this.unbindAndClose(connection)));
    await closed;
    this.emit('stopped');
  }

  /**
   * Drops every connection at once, without unbind: what a carrier's crash or a cut link looks
   * like to the ESME (submits awaiting a response never get one). The port stays open.
   */
  disconnectAll(): void {
    this.heldResponses = [];
    for (const connection of this.connections) connection.session.destroy();
  }

  /** Every submit_sm received so far, in arrival order. */
  received(): ReadonlyArray<SubmitRecord> {
    return this.records;
  }

  stats(): SmscStats {
    let outstanding = 0;
    let boundSessions = 0;
    for (const connection of this.connections) {
      outstanding += connection.outstandingSubmits;
      if (connection.bound) boundSessions++;
    }
    return {
      submits: this.records.length,
      accepted: this.records.filter((record) => record.commandStatus === CommandStatus.ESME_ROK)
        .length,
      maxOutstanding: this.maxOutstanding,
      outstanding,
      boundSessions,
      storedReceipts: this.outbox.size,
      receiptsAcknowledged: this.receiptsAcknowledged,
    };
  }

  /** Hold every submit_sm_resp from now on (window and timeout tests). */
  pauseResponses(): void {
    this.responsesPaused = true;
  }

  /** Send the held responses in arrival order and stop holding. */
  resumeResponses(): void {
    this.responsesPaused = false;
    const held = this.heldResponses;
    this.heldResponses = [];
    for (const respond of held) respond();
  }

  /** Sends an MO as deliver_sm (esm_class 0, concatenated when long) to a bound receiver. */
  async injectMo(input: MoInput): Promise<MoResult> {
    const connection = this.pickReceiver(input.systemId);
    if (!connection || connection.systemId === undefined)
      throw new NoReceiverBoundError(input.systemId);
    const systemId = connection.systemId;
    this.nextMoReference = (this.nextMoReference + 1) % 256;
    const split = splitMessage(input.text, {
      reference: this.nextMoReference,
      concatenation: input.concatenation ?? 'udh8',
    });
    const commandStatuses: number[] = [];
    for (const part of split.parts) {
      const commandStatus = await connection.deliver(
        {
          ...sourceAddress(input.from),
          ...destinationAddress(input.to),
          esmClass: part.esmClass,
          dataCoding: part.dataCoding,
          shortMessage: part.shortMessage,
          ...(part.sar
            ? {
                sarMsgRefNum: part.sar.reference,
                sarTotalSegments: part.sar.total,
                sarSegmentSeqnum: part.sar.sequence,
              }
            : {}),
        },
        this.options.deliverTimeoutMs,
      );
      commandStatuses.push(commandStatus);
      this.emit('deliverResp', { kind: 'mo', systemId, commandStatus });
    }
    const result = { systemId, parts: split.parts.length, commandStatuses };
    this.emit('mo', { ...result, from: input.from, to: input.to, text: input.text });
    return result;
  }

  private accept(session: SmppSession): void {
    const connection = new EsmeConnection(this.nextConnectionId++, session);
    this.connections.add(connection);
    this.emit('connect', { connectionId: connection.id, remote: connection.remoteAddress });
    session.on('pdu', (pdu) => this.onPdu(connection, pdu));
    session.on('protocolError', (error) => {
      // node-smpp stops reading after unparseable input; answer generic_nack (§4.3) and hang up.
      connection.trySend({
        command: 'generic_nack',
        sequenceNumber: 0,
        commandStatus: CommandStatus.ESME_RINVCMDLEN,
      });
      this.emit('protocolError', {
        connectionId: connection.id,
        remote: connection.remoteAddress,
        error,
      });
      void session.close();
    });
    session.on('close', () => {
      this.connections.delete(connection);
      connection.abandon();
      this.emit('disconnect', {
        connectionId: connection.id,
        remote: connection.remoteAddress,
        systemId: connection.systemId,
      });
    });
  }

  private onPdu(connection: EsmeConnection, pdu: SmppPdu): void {
    if (isResponsePdu(pdu)) {
      connection.pending.settle(pdu);
      return;
    }
    switch (pdu.command) {
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        this.onBind(connection, pdu);
        return;
      case 'submit_sm':
        this.onSubmit(connection, pdu);
        return;
      case 'enquire_link':
        connection.trySend({ command: 'enquire_link_resp', sequenceNumber: pdu.sequenceNumber });
        return;
      case 'unbind':
        this.emit('unbind', { connectionId: connection.id, systemId: connection.systemId });
        connection.trySend({ command: 'unbind_resp', sequenceNumber: pdu.sequenceNumber });
        connection.bindType = undefined;
        void connection.session.close();
        return;
      default:
        // deliver_sm from an ESME, and commands the simulator does not implement (query_sm,
        // cancel_sm, replace_sm, data_sm, submit_multi, ...): generic_nack ESME_RINVCMDID.
        connection.trySend({
          command: 'generic_nack',
          sequenceNumber: pdu.sequenceNumber,
          commandStatus: CommandStatus.ESME_RINVCMDID,
        });
    }
  }

  private onBind(connection: EsmeConnection, pdu: BindPdu): void {
    const bindType = bindTypeOf(pdu.command);
    const commandStatus = this.checkBind(connection, pdu);
    if (commandStatus === CommandStatus.ESME_ROK) {
      connection.systemId = pdu.systemId;
      connection.bindType = bindType;
    }
    connection.trySend({
      command: `${pdu.command}_resp`,
      sequenceNumber: pdu.sequenceNumber,
      commandStatus,
      systemId: this.options.smscSystemId,
    });
    this.emit('bind', {
      connectionId: connection.id,
      remote: connection.remoteAddress,
      systemId: pdu.systemId,
      bindType,
      commandStatus,
      systemType: pdu.systemType,
      addrTon: pdu.addrTon,
      addrNpi: pdu.addrNpi,
      addressRange: pdu.addressRange,
    });
    if (commandStatus === CommandStatus.ESME_ROK && connection.canReceive)
      this.outbox.flush(pdu.systemId);
  }

  /** Unknown system_id -> ESME_RBINDFAIL (not RINVSYSID: do not confirm which accounts exist); wrong password -> ESME_RINVPASWD. */
  private checkBind(connection: EsmeConnection, pdu: BindPdu): number {
    if (connection.bound) return CommandStatus.ESME_RALYBND;
    const account = this.options.accounts.find((candidate) => candidate.systemId === pdu.systemId);
    if (!account) return CommandStatus.ESME_RBINDFAIL;
    if (account.password !== pdu.password) return CommandStatus.ESME_RINVPASWD;
    return CommandStatus.ESME_ROK;
  }

  private onSubmit(connection: EsmeConnection, pdu: SubmitSmPdu): void {
    if (!connection.canSubmit || connection.systemId === undefined) {
      connection.trySend({
        command: 'submit_sm_resp',
        sequenceNumber: pdu.sequenceNumber,
        commandStatus: CommandStatus.ESME_RINVBNDSTS,
      });
      return;
    }
    const systemId = connection.systemId;
    connection.outstandingSubmits++;
    this.maxOutstanding = Math.max(this.maxOutstanding, connection.outstandingSubmits);

    const commandStatus = decideSubmitStatus(this.options, this.options.random);
    const messageId = commandStatus === CommandStatus.ESME_ROK ? this.ids.next() : undefined;
    const record = buildSubmitRecord(pdu, {
      systemId,
      connectionId: connection.id,
      bindType: connection.bindType ?? 'transmitter',
      messageId,
      commandStatus,
      outstanding: connection.outstandingSubmits,
      receivedAt: new Date(),
    });
    this.records.push(record);
    this.emit('submit', record);

    const respond = (): void => {
      connection.outstandingSubmits--;
      connection.trySend({
        command: 'submit_sm_resp',
        sequenceNumber: pdu.sequenceNumber,
        commandStatus,
        ...(messageId === undefined ? {} : { messageId }),
      });
    };

    if (messageId !== undefined) {
      const receipt = this.owedReceipt(record, messageId);
      if (receipt && this.options.receiptBeforeResponse) this.outbox.deliver(receipt);
      else if (receipt)
        this.timers.after(this.options.deliveryDelayMs, () => this.outbox.deliver(receipt));
    }
    this.scheduleResponse(respond);
  }

  private scheduleResponse(respond: () => void): void {
    if (this.responsesPaused) {
      this.heldResponses.push(respond);
    } else if (this.options.responseDelayMs > 0) {
      this.timers.after(this.options.responseDelayMs, () =>
        this.responsesPaused ? this.heldResponses.push(respond) : respond(),
      );
    } else {
      respond();
    }
  }

  /** The receipt this submit earns, or undefined when registered_delivery did not ask for it (§5.2.17). */
  private owedReceipt(record: SubmitRecord, messageId: string): OwedReceipt | undefined {
    const stat = this.finalStates.resolve(record.destinationAddr);
    if (!wantsReceipt(record.registeredDelivery, stat === 'DELIVRD')) return undefined;
    const fields = buildReceiptDeliverSm({
      messageId,
      textId: receiptTextId(
        messageId,
        this.options.messageIdFormat,
        this.options.receiptTextIdFormat,
      ),
      sourceAddr: record.sourceAddr,
      destinationAddr: record.destinationAddr,
      text: record.text,
      stat,
      submitDate: record.receivedAt,
      doneDate: new Date(record.receivedAt.getTime() + this.options.deliveryDelayMs),
      tlvs: this.options.receiptTlvs,
    });
    return { systemId: record.systemId, messageId, stat, fields, attempts: 0 };
  }

  /** Round-robin over the receiver-capable binds of a system id (or of any system id). */
  private pickReceiver(systemId: string | undefined): EsmeConnection | undefined {
    const candidates = [...this.connections].filter(
      (connection) =>
        connection.canReceive && (systemId === undefined || connection.systemId === systemId),
    );
    if (candidates.length === 0) return undefined;
    this.receiverCursor = (this.receiverCursor + 1) % candidates.length;
    return candidates[this.receiverCursor];
  }

  private async unbindAndClose(connection: EsmeConnection): Promise<void> {
    if (connection.bound && connection.session.isOpen) {
      try {
        const sequenceNumber = connection.session.send({ command: 'unbind' });
        await connection.pending.wait(sequenceNumber, 'unbind', this.options.unbindTimeoutMs);
      } catch {
        // No unbind_resp in time: close regardless.
      }
    }
    connection.bindType = undefined;
    await connection.session.close(this.options.unbindTimeoutMs);
  }
}

/**
 * TON/NPI for an MO address (SMPP 3.4 §5.2.5, §5.2.6): digits longer than a short code are
 * international E.164 (TON 1, NPI 1, '+' dropped), short digits a network-specific short code
 * (TON 3), anything else alphanumeric (TON 5, NPI 0).
 */
function addressType(address: string): { addr: string; ton: number; npi: number } {
  if (!/^\+?\d+$/.test(address)) return { addr: address, ton: 5, npi: 0 };
  const digits = address.replace(/^\+/, '');
  return { addr: digits, ton: digits.length > 6 ? 1 : 3, npi: 1 };
}

function sourceAddress(address: string): {
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
} {
  const { addr, ton, npi } = addressType(address);
  return { sourceAddr: addr, sourceAddrTon: ton, sourceAddrNpi: npi };
}

function destinationAddress(address: string): {
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
} {
  const { addr, ton, npi } = addressType(address);
  return { destinationAddr: addr, destAddrTon: ton, destAddrNpi: npi };
}
