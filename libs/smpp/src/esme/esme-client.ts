import { EventEmitter } from 'node:events';
import { CommandStatus } from '../protocol/command-status';
import {
  BIND_COMMANDS,
  SMPP_VERSION_3_4,
  isResponsePdu,
  type SmppPdu,
} from '../transport/smpp-pdu';
import { SmppSession } from '../transport/smpp-session';
import {
  resolveEsmeClientOptions,
  type EsmeClientOptions,
  type ResolvedEsmeClientOptions,
} from './esme-client.options';
import type {
  DeliverHandler,
  EsmeClientEvents,
  EsmeClientState,
  SubmitPartOutcome,
  SubmitSmParams,
  SubmitSmResponse,
} from './esme-client.types';
import {
  SmppBindError,
  SmppClientError,
  SmppConnectError,
  SmppConnectionClosedError,
  SmppNotBoundError,
  SmppResponseTimeoutError,
  type SmppCloseReason,
} from './esme-errors';
import { classifyDeliver, type InboundDeliver, type InboundPdu } from './inbound-deliver';
import { PendingResponses } from './pending-responses';
import { backoffDelay } from './reconnect-backoff';
import { SubmitWindow } from './submit-window';

/** One TCP connection's worth of state; replaced on every reconnect. */
interface SessionContext {
  session: SmppSession;
  pending: PendingResponses;
  bound: boolean;
  closeReason?: SmppCloseReason;
  closeError?: Error;
  enquireTimer?: NodeJS.Timeout;
  enquireInFlight: boolean;
}

/** §4.4.1: sm_length is one octet and 255 is reserved, so short_message holds 0..254 octets. */
const MAX_SHORT_MESSAGE = 254;
/** §4.4.1: source_addr and destination_addr are C-Octet Strings of at most 21 octets incl. NUL. */
const MAX_ADDRESS = 20;
/** §5.3.2.32: a TLV's length is 16 bits. */
const MAX_MESSAGE_PAYLOAD = 0xffff;

/** Thrown for a submit whose parameters cannot be encoded (never sent). */
export class SmppInvalidSubmitError extends SmppClientError {
  readonly code = 'SMPP_INVALID_SUBMIT';
  readonly sent = false;
  constructor(message: string) {
    super(message);
    this.name = 'SmppInvalidSubmitError';
  }
}

/**
 * The ESME side of an SMPP 3.4 bind, as the gateway's SMPP connector uses it:
 * bind (§4.1), a window of outstanding submit_sm with per-PDU response timeouts (§2.7, §4.4),
 * enquire_link both ways (§4.11), deliver_sm acknowledged only after the handler has stored it
 * (§4.6), reconnect with back-off after a loss, and a draining close with unbind (§4.2).
 */
export class EsmeClient extends EventEmitter<EsmeClientEvents> {
  private readonly options: ResolvedEsmeClientOptions;
  private readonly window: SubmitWindow;
  /**
   * Submits awaiting a response and deliver handlers running; close() drains them. A count,
   * not a set of promises: no extra promise and closures per PDU just to be told it ended.
   */
  private inFlight = 0;
  private drainWaiters: Array<() => void> = [];
  private deliverHandler: DeliverHandler | undefined;
  private current: SessionContext | undefined;
  private currentState: EsmeClientState = 'idle';
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private hasBound = false;

  constructor(options: EsmeClientOptions) {
    super();
    this.options = resolveEsmeClientOptions(options);
    this.window = new SubmitWindow(this.options.windowSize);
  }

  get state(): EsmeClientState {
    return this.currentState;
  }

  /** submit_sm sent and not yet answered. */
  get outstanding(): number {
    return this.window.outstanding;
  }

  /** submit_sm waiting for a window slot. */
  get queued(): number {
    return this.window.queued;
  }

  /**
   * 'deliver' registers the single deliver handler (its promise gates deliver_sm_resp);
   * every other event is an ordinary EventEmitter event.
   */
  override on(event: 'deliver', handler: DeliverHandler): this;
  override on<K extends keyof EsmeClientEvents>(
    event: K,
    listener: (...args: EsmeClientEvents[K]) => void,
  ): this;
  override on(event: string, listener: (...args: never[]) => unknown): this {
    if (event === 'deliver') {
      if (this.deliverHandler) throw new Error('a deliver handler is already registered');
      this.deliverHandler = listener as DeliverHandler;
      return this;
    }
    return super.on(event as keyof EsmeClientEvents, listener as (...args: unknown[]) => void);
  }

  /**
   * Connects and binds once. Resolves when bound; rejects with SmppConnectError, SmppBindError,
   * SmppResponseTimeoutError or SmppConnectionClosedError and leaves the client idle (callable
   * again). After the first successful bind, a lost connection is re-established automatically.
   */
  async connect(): Promise<void> {
    if (this.currentState !== 'idle')
      throw new Error(`connect() called while ${this.currentState}`);
    try {
      await this.establish();
    } catch (error) {
      if (!this.closing) this.currentState = 'idle';
      throw error;
    }
  }

  /**
   * Sends one submit_sm when a window slot is free and resolves with its response, whatever
   * the command_status. Rejects with a SmppClientError when no response can be had.
   */
  submitSm(params: SubmitSmParams): Promise<SubmitSmResponse> {
    this.inFlight++;
    return this.submitOne(params);
  }

  /**
   * Sends the parts of one message in order and reports each part's outcome; never rejects,
   * so the ids of parts the SMSC accepted are never lost when a later part fails.
   */
  async submit(...parts: SubmitSmParams[]): Promise<SubmitPartOutcome[]> {
    // Every part enters the window queue now, in order; FIFO slots keep that order on the wire.
    const pending = parts.map((part) => this.submitSm(part));
    const settled = await Promise.allSettled(pending);
    return settled.map((result): SubmitPartOutcome => {
      if (result.status === 'fulfilled') return { ok: true, response: result.value };
      const reason: unknown = result.reason;
      if (reason instanceof SmppClientError) return { ok: false, error: reason };
      throw reason;
    });
  }

  /**
   * Stops accepting submits, waits (up to closeTimeoutMs) for outstanding responses and running
   * deliver handlers, unbinds, and closes the connection. Idempotent.
   */
  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.options.closeTimeoutMs;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    this.currentState = 'closing';
    this.window.refuseWaiting(() => new SmppConnectionClosedError('client-close', false));
    await this.drained(deadline - Date.now());

    const context = this.current;
    if (context) {
      this.stopEnquireLink(context);
      context.closeReason ??= 'client-close';
      if (context.bound && context.session.isOpen) {
        try {
          const sequence = context.session.send({ command: 'unbind' });
          const wait = Math.max(1, Math.min(this.options.responseTimeoutMs, deadline - Date.now()));
          await context.pending.wait(sequence, 'unbind', wait);
        } catch {
          // No unbind_resp in time or the SMSC already hung up: closing the socket is enough.
        }
      }
      await context.session.close(Math.max(1, deadline - Date.now()));
    }
    this.currentState = 'closed';
  }

  /** Counted in inFlight by the caller; uncounted when it settles, whatever the outcome. */
  private async submitOne(params: SubmitSmParams): Promise<SubmitSmResponse> {
    try {
      return await this.sendSubmit(params);
    } finally {
      this.workDone();
    }
  }

  private async sendSubmit(params: SubmitSmParams): Promise<SubmitSmResponse> {
    this.validateSubmit(params);
    const context = this.current;
    if (this.closing || !context || !context.bound || this.currentState !== 'bound') {
      throw new SmppNotBoundError(this.closing ? 'closing' : this.currentState);
    }
    if (this.options.bindType === 'receiver') throw new SmppNotBoundError('bound as receiver');

    await this.window.acquire();
    try {
      if (this.current !== context || !context.session.isOpen) {
        throw new SmppConnectionClosedError(context.closeReason ?? 'connection-lost', false);
      }
      const sequenceNumber = context.session.send({
        command: 'submit_sm',
        serviceType: params.serviceType ?? '',
        sourceAddrTon: params.sourceAddrTon ?? 0,
        sourceAddrNpi: params.sourceAddrNpi ?? 0,
        sourceAddr: params.sourceAddr,
        destAddrTon: params.destAddrTon ?? 0,
        destAddrNpi: params.destAddrNpi ?? 0,
        destinationAddr: params.destinationAddr,
        esmClass: params.esmClass ?? 0,
        protocolId: params.protocolId ?? 0,
        priorityFlag: params.priorityFlag ?? 0,
        scheduleDeliveryTime: params.scheduleDeliveryTime ?? '',
        validityPeriod: params.validityPeriod ?? '',
        registeredDelivery: params.registeredDelivery ?? 0,
        replaceIfPresentFlag: 0,
        dataCoding: params.dataCoding ?? 0,
        smDefaultMsgId: 0,
        shortMessage: params.shortMessage,
        messagePayload: params.messagePayload,
        sarMsgRefNum: params.sarMsgRefNum,
        sarTotalSegments: params.sarTotalSegments,
        sarSegmentSeqnum: params.sarSegmentSeqnum,
      });
      const response = await context.pending.wait(
        sequenceNumber,
        'submit_sm',
        this.options.responseTimeoutMs,
      );
      return {
        commandStatus: response.commandStatus,
        messageId:
          response.command === 'submit_sm_resp' && response.commandStatus === 0
            ? response.messageId
            : undefined,
        sequenceNumber,
      };
    } finally {
      this.window.release();
    }
  }

  private validateSubmit(params: SubmitSmParams): void {
    if (params.shortMessage.length > MAX_SHORT_MESSAGE) {
      throw new SmppInvalidSubmitError(
        `short_message is ${params.shortMessage.length} octets; at most ${MAX_SHORT_MESSAGE} (SMPP 3.4 §4.4.1)`,
      );
    }
    if (params.messagePayload && params.messagePayload.length > MAX_MESSAGE_PAYLOAD) {
      throw new SmppInvalidSubmitError(
        `message_payload is ${params.messagePayload.length} octets; at most ${MAX_MESSAGE_PAYLOAD} (SMPP 3.4 §5.3.2.32)`,
      );
    }
    for (const key of ['sourceAddr', 'destinationAddr'] as const) {
      if (Buffer.byteLength(params[key], 'ascii') > MAX_ADDRESS) {
        throw new SmppInvalidSubmitError(
          `${key} is longer than ${MAX_ADDRESS} characters (SMPP 3.4 §4.4.1)`,
        );
      }
    }
  }

  private workDone(): void {
    this.inFlight--;
    if (this.inFlight > 0 || this.drainWaiters.length === 0) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Resolves once nothing is in flight, or after `ms` at the latest. */
  private async drained(ms: number): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.drainWaiters.push(resolve);
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
  }

  /** TCP connect + bind. On failure the half-made session is discarded and the error rethrown. */
  private async establish(): Promise<void> {
    const options = this.options;
    this.currentState = 'connecting';
    let session: SmppSession;
    try {
      session = await SmppSession.connect({
        host: options.host,
        port: options.port,
        connectTimeoutMs: options.connectTimeoutMs,
        ...(options.tls ? { tls: options.tls } : {}),
      });
    } catch (error) {
      throw new SmppConnectError(
        options.host,
        options.port,
        error instanceof Error ? error : new Error(String(error)),
      );
    }
    if (this.closing) {
      session.destroy();
      throw new SmppConnectionClosedError('client-close', false);
    }

    const context = this.attach(session);
    this.currentState = 'binding';
    try {
      const sequenceNumber = session.send({
        command: BIND_COMMANDS[options.bindType],
        systemId: options.systemId,
        password: options.password,
        systemType: options.systemType,
        interfaceVersion: SMPP_VERSION_3_4,
        addrTon: options.addrTon,
        addrNpi: options.addrNpi,
        addressRange: options.addressRange,
      });
      const response = await context.pending.wait(
        sequenceNumber,
        'bind',
        options.responseTimeoutMs,
      );
      if (response.commandStatus !== CommandStatus.ESME_ROK)
        throw new SmppBindError(response.commandStatus);
      if (this.closing) throw new SmppConnectionClosedError('client-close', false);

      context.bound = true;
      this.currentState = 'bound';
      const reconnected = this.hasBound;
      this.hasBound = true;
      this.reconnectAttempt = 0;
      this.startEnquireLink(context);
      const smscSystemId = 'systemId' in response ? response.systemId : '';
      this.emit('bound', { bindType: options.bindType, smscSystemId, reconnected });
    } catch (error) {
      // Forget this session before it closes so its close does not touch the next attempt.
      if (this.current === context) this.current = undefined;
      context.pending.rejectAll(() => new SmppConnectionClosedError('client-close', true));
      session.destroy();
      throw error;
    }
  }

  private attach(session: SmppSession): SessionContext {
    const context: SessionContext = {
      session,
      pending: new PendingResponses(
        (command, sequence, timeoutMs) =>
          new SmppResponseTimeoutError(command, sequence, timeoutMs),
      ),
      bound: false,
      enquireInFlight: false,
    };
    this.current = context;
    session.on('pdu', (pdu) => this.onPdu(context, pdu));
    session.on('protocolError', (error) => {
      // node-smpp stops reading after a parse error; answer (§4.3) and drop the connection.
      this.sendQuietly(context, {
        command: 'generic_nack',
        sequenceNumber: 0,
        commandStatus: CommandStatus.ESME_RINVCMDLEN,
      });
      this.drop(context, 'protocol-error', error);
    });
    session.on('socketError', (error) => {
      context.closeError ??= error;
    });
    session.on('close', () => this.onClosed(context));
    return context;
  }

  private onPdu(context: SessionContext, pdu: SmppPdu): void {
    if (isResponsePdu(pdu)) {
      // Late responses (after their timeout) and unsolicited ones match nothing and are dropped.
      context.pending.settle(pdu);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.sendQuietly(context, {
          command: 'enquire_link_resp',
          sequenceNumber: pdu.sequenceNumber,
        });
        return;
      case 'unbind':
        // §4.2: answer, then the SMSC closes; we close too and (if enabled) reconnect later.
        context.closeReason ??= 'peer-unbind';
        this.sendQuietly(context, { command: 'unbind_resp', sequenceNumber: pdu.sequenceNumber });
        void context.session.close();
        return;
      case 'deliver_sm':
      case 'data_sm':
        this.onDeliver(context, pdu);
        return;
      case 'unsupported':
        // alert_notification (§4.12) has no response; everything else gets generic_nack.
        if (pdu.name !== 'alert_notification') this.nack(context, pdu.sequenceNumber);
        return;
      default:
        // bind_*, submit_sm from an SMSC make no sense on this side of the link.
        this.nack(context, pdu.sequenceNumber);
    }
  }

  private onDeliver(context: SessionContext, pdu: InboundPdu): void {
    const deliver = classifyDeliver(pdu);
    this.inFlight++;
    void this.answerDeliver(context, pdu, deliver);
  }

  /**
   * Runs the deliver handler, then answers deliver_sm_resp (§4.6.2) or data_sm_resp (§4.7.2,
   * message_id empty) with its verdict. Never rejects.
   */
  private async answerDeliver(
    context: SessionContext,
    pdu: InboundPdu,
    deliver: InboundDeliver,
  ): Promise<void> {
    try {
      let commandStatus: number = CommandStatus.ESME_ROK;
      const handler = this.deliverHandler;
      if (!handler) {
        commandStatus = CommandStatus.ESME_RX_T_APPN;
      } else {
        try {
          await handler(deliver);
        } catch (error) {
          commandStatus = CommandStatus.ESME_RX_T_APPN;
          this.emit('deliverFailed', { error, deliver });
        }
      }
      // If the session died meanwhile there is no one to answer: the SMSC redelivers.
      const { sequenceNumber } = pdu;
      this.sendQuietly(
        context,
        pdu.command === 'data_sm'
          ? { command: 'data_sm_resp', sequenceNumber, commandStatus, messageId: '' }
          : { command: 'deliver_sm_resp', sequenceNumber, commandStatus },
      );
    } catch {
      // Only a throwing 'deliverFailed' listener gets here; the SMSC redelivers unanswered PDUs.
    } finally {
      this.workDone();
    }
  }

  private nack(context: SessionContext, sequenceNumber: number): void {
    this.sendQuietly(context, {
      command: 'generic_nack',
      sequenceNumber,
      commandStatus: CommandStatus.ESME_RINVCMDID,
    });
  }

  private sendQuietly(context: SessionContext, pdu: Parameters<SmppSession['send']>[0]): void {
    if (!context.session.isOpen) return;
    try {
      context.session.send(pdu);
    } catch {
      // The socket went away between the check and the write; 'close' handles the rest.
    }
  }

  /**
   * Ends a session for `reason`. A protocol error closes gracefully so the generic_nack just
   * written reaches the SMSC; a dead link (enquire_link timeout) is destroyed at once.
   */
  private drop(context: SessionContext, reason: SmppCloseReason, error?: Error): void {
    context.closeReason ??= reason;
    if (error) context.closeError ??= error;
    if (reason === 'protocol-error') void context.session.close(1_000);
    else context.session.destroy();
  }

  private onClosed(context: SessionContext): void {
    this.stopEnquireLink(context);
    const reason = context.closeReason ?? 'connection-lost';
    context.pending.rejectAll(() => new SmppConnectionClosedError(reason, true));
    if (this.current !== context) return;
    this.current = undefined;
    this.window.refuseWaiting(() => new SmppConnectionClosedError(reason, false));
    if (!context.bound) return;

    const willReconnect = !this.closing && this.options.reconnect !== false;
    this.currentState = this.closing ? this.currentState : willReconnect ? 'reconnecting' : 'idle';
    this.emit('unbound', {
      reason,
      ...(context.closeError ? { error: context.closeError } : {}),
      willReconnect,
    });
    if (willReconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(lastError?: Error): void {
    const policy = this.options.reconnect;
    if (policy === false || this.closing) return;
    const delayMs = backoffDelay(policy, this.reconnectAttempt, this.options.random);
    this.reconnectAttempt++;
    this.currentState = 'reconnecting';
    this.emit('reconnecting', {
      attempt: this.reconnectAttempt,
      delayMs,
      ...(lastError ? { lastError } : {}),
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.establish().catch((error: unknown) => {
        if (this.closing) return;
        this.scheduleReconnect(error instanceof Error ? error : new Error(String(error)));
      });
    }, delayMs);
  }

  private startEnquireLink(context: SessionContext): void {
    const interval = this.options.enquireLinkIntervalMs;
    if (interval === 0) return;
    context.enquireTimer = setInterval(() => {
      if (context.enquireInFlight || !context.session.isOpen) return;
      context.enquireInFlight = true;
      let sequenceNumber: number;
      try {
        sequenceNumber = context.session.send({ command: 'enquire_link' });
      } catch {
        context.enquireInFlight = false;
        return;
      }
      context.pending.wait(sequenceNumber, 'enquire_link', this.options.responseTimeoutMs).then(
        () => {
          context.enquireInFlight = false;
        },
        (error: unknown) => {
          context.enquireInFlight = false;
          if (error instanceof SmppResponseTimeoutError)
            this.drop(context, 'enquire-link-timeout', error);
        },
      );
    }, interval);
  }

  private stopEnquireLink(context: SessionContext): void {
    if (context.enquireTimer) clearInterval(context.enquireTimer);
    context.enquireTimer = undefined;
  }
}
