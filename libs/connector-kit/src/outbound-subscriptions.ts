import { Logger } from '@nestjs/common';
import { outboundTopicsFor } from '@tuxhat/contracts';
import type { Bus, LiveSubscriptions } from '@tuxhat/messaging';

/**
 * A carrier a connector starts to serve while it runs (added, or able to submit now): its
 * outbound topics (every lane) join the pod's consumption. On Kafka they are created first when
 * missing (with the process's topic settings; the admin API creates them with the carrier too),
 * since routing may publish to them as soon as the carrier has a route.
 */
export class OutboundSubscriptions {
  private readonly logger = new Logger('outbound-subscriptions');

  constructor(
    private readonly bus: Bus,
    /** The pod's transport, attached by startConnectorService; absent when started otherwise. */
    private readonly live: LiveSubscriptions | undefined,
  ) {}

  async subscribe(carrierId: string): Promise<void> {
    if (!this.live) {
      throw new Error(
        `carrier ${carrierId}: this connector was not started by startConnectorService, so it cannot consume a new carrier's topics`,
      );
    }
    const created = await this.bus.createOutboundTopics(carrierId);
    if (created.length > 0) this.logger.log(`created topic(s) ${created.join(', ')}`);
    await this.live.add(outboundTopicsFor(carrierId));
  }
}
