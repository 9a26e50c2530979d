import {
  type BillableMessage,
  type BillingConfig,
  BillingEngine,
  loadBillingConfig,
  loadMessageHistory,
} from '@tuxhat/billing';
import type { MessageFields } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { ConfigSnapshot } from '@tuxhat/runtime';

import { classOf } from '../compiled-policy';
import type { PriceQuote, PriceQuoter } from './price-quoter';

/**
 * Prepaid prices from the billing library: the tenant's tariff, then its billing rules' pre-charge
 * (e.g. a free OTP retry), exactly as accounting will charge the message. Tariffs and rules are
 * held in memory (ConfigSnapshot, reloaded on config changes); the message history some rules
 * need is read once per batch, only when a rule asks for it.
 */
export class BillingPriceQuoter implements PriceQuoter {
  private readonly snapshot: ConfigSnapshot<BillingConfig>;
  private engine: BillingEngine | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    /** The currency of a message no tariff prices (charged 0). */
    private readonly defaultCurrency: string,
    pollMs?: number,
  ) {
    this.snapshot = new ConfigSnapshot(prisma, {
      name: 'billing (policy)',
      load: loadBillingConfig,
      pollMs,
    });
    this.snapshot.onChange((config) => {
      this.engine = new BillingEngine(config, this.defaultCurrency);
    });
  }

  start(): Promise<void> {
    return this.snapshot.start();
  }

  stop(): void {
    this.snapshot.stop();
  }

  async quote(messages: readonly MessageFields[]): Promise<ReadonlyMap<string, PriceQuote>> {
    const engine = this.engine ?? new BillingEngine(this.snapshot.current, this.defaultCurrency);
    const billable = messages.map(billableOf);
    const history = await loadMessageHistory(this.prisma, engine.historyRequest(billable));
    return new Map(
      billable.map((message) => {
        const charge = engine.preCharge(message, history);
        return [message.messageId, { minor: charge.amountMinor, currency: charge.currency }];
      }),
    );
  }
}

function billableOf(message: MessageFields): BillableMessage {
  return {
    messageId: message.messageId,
    tenantId: message.tenantId,
    destination: message.destination,
    classOfService: classOf(message),
    parts: message.parts,
    acceptedAt: new Date(message.acceptedAt),
  };
}
