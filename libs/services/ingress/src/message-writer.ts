import { Inject, Injectable, Logger } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

/** A new message and the first row of its history, written together. */
export interface NewMessage {
  readonly message: Prisma.MessageCreateManyInput;
  readonly accepted: Prisma.MessageStatusEventCreateManyInput;
}

interface Waiting {
  readonly entry: NewMessage;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for accepted messages: concurrent submissions share one transaction with one
 * multi-row insert per table, instead of paying a round trip (and a commit) each (DESIGN: the
 * hot path never pays one database round trip per message). While a batch is being written,
 * new messages wait and go together in the next one; idle, a message is written at once, so
 * batching costs no latency at low rates and grows with load. Each write resolves only once
 * its transaction has committed: a 2xx always means the row is durable.
 */
@Injectable()
export class MessageWriter {
  static readonly MAX_BATCH = 500;
  private readonly logger = new Logger(MessageWriter.name);
  private waiting: Waiting[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  write(entry: NewMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      this.inFlight ??= this.drain();
    });
  }

  /** Resolves when everything written so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    // Let the submissions of the current tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MessageWriter.MAX_BATCH);
      try {
        await this.insert(batch.map((item) => item.entry));
        for (const item of batch) item.resolve();
      } catch (error) {
        if (batch.length > 1 && isRowError(error)) await this.insertOneByOne(batch, error);
        else for (const item of batch) item.reject(error);
      }
    }
    this.inFlight = null;
  }

  /**
   * One bad row (say, its tenant was deleted a moment ago) must not fail the other tenants'
   * requests in its batch: write each on its own so only the culprit fails. (Not done when the
   * database itself is failing: that would only multiply the wait.)
   */
  private async insertOneByOne(batch: readonly Waiting[], cause: unknown): Promise<void> {
    this.logger.warn(
      `group commit of ${batch.length} messages failed, writing them one by one: ${String(cause)}`,
    );
    for (const item of batch) {
      try {
        await this.insert([item.entry]);
        item.resolve();
      } catch (error) {
        item.reject(error);
      }
    }
  }

  private async insert(entries: readonly NewMessage[]): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.message.createMany({ data: entries.map((entry) => entry.message) }),
      this.prisma.messageStatusEvent.createMany({ data: entries.map((entry) => entry.accepted) }),
    ]);
  }
}

/** A constraint or value error of some row (Prisma's P2xxx), as opposed to a database outage. */
function isRowError(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code.startsWith('P2');
}
