import type { SmppPdu } from '../transport/smpp-pdu';

interface Pending {
  command: string;
  resolve: (pdu: SmppPdu) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests waiting for their response, matched by sequence_number (SMPP 3.4 §5.1.4), each with
 * its own timeout. node-smpp keeps callbacks forever and never fires them after a close; this
 * map guarantees every waiter settles: response, timeout or rejectAll.
 */
export class PendingResponses {
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly onTimeout: (
      command: string,
      sequenceNumber: number,
      timeoutMs: number,
    ) => Error,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  wait(sequenceNumber: number, command: string, timeoutMs: number): Promise<SmppPdu> {
    if (this.pending.has(sequenceNumber)) {
      return Promise.reject(new Error(`sequence ${sequenceNumber} is already awaiting a response`));
    }
    return new Promise<SmppPdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequenceNumber);
        reject(this.onTimeout(command, sequenceNumber, timeoutMs));
      }, timeoutMs);
      this.pending.set(sequenceNumber, { command, resolve, reject, timer });
    });
  }

  /** Settles the waiter of this response; false when nothing waits (late or unsolicited response). */
  settle(response: SmppPdu): boolean {
    const waiter = this.pending.get(response.sequenceNumber);
    if (!waiter) return false;
    clearTimeout(waiter.timer);
    this.pending.delete(response.sequenceNumber);
    waiter.resolve(response);
    return true;
  }

  rejectAll(error: () => Error): void {
    const waiters = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error());
    }
  }
}
