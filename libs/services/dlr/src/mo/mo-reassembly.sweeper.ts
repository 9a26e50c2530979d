import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { describeError } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { MoPartsRepository } from './mo-parts.repository';
import { MoService, inboundOf } from './mo.service';

/**
 * A concatenated MO whose missing parts never come is not kept waiting forever: after
 * moReassemblyTimeoutMs it is routed with the parts that came (in order), and handled parts are
 * purged after their retention time.
 */
@Injectable()
export class MoReassemblySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly BATCH = 200;
  private readonly logger = new Logger('dlr/mo');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly parts: MoPartsRepository,
    private readonly mos: MoService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const stale = await this.parts.incompleteBefore(
      new Date(now.getTime() - this.options.moReassemblyTimeoutMs),
      MoReassemblySweeper.BATCH,
    );
    for (const mo of stale) {
      this.logger.warn(
        `MO from ${mo.source} to ${mo.destination}: part(s) ${mo.missing.join(', ')} of ${mo.total} never arrived; routing the rest`,
      );
    }
    await this.mos.handle(stale.map(inboundOf));
    await this.parts.complete(stale, now);
    await this.parts.purgeCompletedBefore(new Date(now.getTime() - this.options.moPartRetentionMs));
    return stale.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.warn(`MO sweep failed: ${describeError(error)}`))
        .finally(() => this.schedule());
    }, this.options.moSweepMs);
    this.timer.unref();
  }
}
