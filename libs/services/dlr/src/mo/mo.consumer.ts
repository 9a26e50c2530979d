import { Controller, Inject } from '@nestjs/common';
import { SMS_MO_RAW, type SmsMoRawEvent } from '@tuxhat/contracts';
import { OnEventBatch } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { MoPartsRepository } from './mo-parts.repository';
import { type InboundMo, MoService, inboundOf } from './mo.service';

/**
 * MO intake: whole MOs are routed at once; parts of concatenated MOs wait in mo_parts until
 * the MO is whole (any order, across restarts and batches), then are routed as one. A part of
 * an MO already routed without it is routed at once as its late fragment; a part routed
 * already is dropped (MoPartsRepository). Returning acknowledges the events: everything they
 * caused is stored by then.
 */
@Controller()
export class MoConsumer {
  constructor(
    private readonly parts: MoPartsRepository,
    private readonly mos: MoService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @OnEventBatch(SMS_MO_RAW)
  async onMo(events: SmsMoRawEvent[]): Promise<void> {
    const whole: InboundMo[] = events
      .filter((event) => !event.concat)
      .map((event) => ({
        id: event.eventId,
        carrierId: event.carrierId,
        source: event.source,
        destination: event.destination,
        text: event.text,
        receivedAt: new Date(event.receivedAt),
      }));
    const now = this.clock.now();
    const assembled = await this.parts.add(
      events.flatMap((event) =>
        event.concat
          ? [
              {
                carrierId: event.carrierId,
                source: event.source,
                destination: event.destination,
                reference: event.concat.reference,
                total: event.concat.total,
                seq: event.concat.seq,
                text: event.text,
                eventId: event.eventId,
                receivedAt: new Date(event.receivedAt),
              },
            ]
          : [],
      ),
      now,
    );
    await this.mos.handle([...whole, ...assembled.map(inboundOf)]);
    await this.parts.complete(assembled, now);
  }
}
