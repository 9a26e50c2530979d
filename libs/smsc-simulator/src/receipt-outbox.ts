import type { ReceiptStat } from '@tuxhat/smpp';
import type { DeliverSmFields, EsmeConnection } from './esme-connection';
import type { TimerSet } from './timer-set';

export interface OwedReceipt {
  systemId: string;
  messageId: string;
  stat: ReceiptStat;
  fields: DeliverSmFields;
  /** Delivery attempts so far. */
  attempts: number;
}

export interface ReceiptOutboxDeps {
  /** A bound receiver or transceiver of the system id, if any. */
  pickReceiver(systemId: string): EsmeConnection | undefined;
  timers: TimerSet;
  deliverTimeoutMs: number;
  redeliveryDelayMs: number;
  /** How receipts travel: deliver_sm, or data_sm as some SMSCs send them. */
  receiptCommand: 'deliver_sm' | 'data_sm';
  isStopping(): boolean;
  onSent(receipt: OwedReceipt, connection: EsmeConnection): void;
  onResponse(receipt: OwedReceipt, commandStatus: number): void;
  onStored(receipt: OwedReceipt): void;
}

/**
 * Receipts the simulated SMSC owes, per system id. Like a real SMSC it stores them while no
 * receiver is bound, and retries when the ESME answers with an error or not at all (the
 * gateway must ack only what it has stored: SMPP 3.4 §4.6.2).
 */
export class ReceiptOutbox {
  private readonly waiting = new Map<string, OwedReceipt[]>();

  constructor(private readonly deps: ReceiptOutboxDeps) {}

  /** Receipts waiting for a receiver bind. */
  get size(): number {
    let total = 0;
    for (const list of this.waiting.values()) total += list.length;
    return total;
  }

  /**
   * Sends the receipt now if a receiver is bound (the deliver_sm is written before this
   * returns, which is what receipt-before-response mode relies on), else stores it.
   */
  deliver(receipt: OwedReceipt): void {
    const connection = this.deps.pickReceiver(receipt.systemId);
    if (!connection) {
      this.store(receipt);
      return;
    }
    receipt.attempts++;
    const response = connection.deliver(
      receipt.fields,
      this.deps.deliverTimeoutMs,
      this.deps.receiptCommand,
    );
    this.deps.onSent(receipt, connection);
    response.then(
      (commandStatus) => {
        this.deps.onResponse(receipt, commandStatus);
        if (commandStatus !== 0) this.retryLater(receipt);
      },
      () => this.retryLater(receipt),
    );
  }

  /** A receiver of this system id just bound: send what was stored for it. */
  flush(systemId: string): void {
    const stored = this.waiting.get(systemId);
    if (!stored) return;
    this.waiting.delete(systemId);
    for (const receipt of stored) this.deliver(receipt);
  }

  private store(receipt: OwedReceipt): void {
    const list = this.waiting.get(receipt.systemId) ?? [];
    list.push(receipt);
    this.waiting.set(receipt.systemId, list);
    this.deps.onStored(receipt);
  }

  private retryLater(receipt: OwedReceipt): void {
    if (this.deps.isStopping()) {
      this.store(receipt);
      return;
    }
    this.deps.timers.after(this.deps.redeliveryDelayMs, () => this.deliver(receipt));
  }
}
