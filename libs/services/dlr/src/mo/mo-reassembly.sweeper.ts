import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CLOCK, type Clock, PeriodicSweep } from '@tuxhat/runtime';

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { MoPartsRepository } from './mo-parts.repository';
import { MoService, inboundOf } from './mo.service';

/**
 * A concatenated MO whose missing parts never come is not kept waiting forever: after
 * moReassemblyTimeoutMs it is routed with the parts that came (in order), and handled parts and
 * MOs are forgotten after moPartRetentionMs. Parts that were waiting for an MO routed
 * meanwhile (they came while it was being routed) go out as its late fragment.
 */
@Injectable()
export class MoReassemblySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly BATCH = 200;
  private readonly logger = new Logger('dlr/mo');
  private readonly sweep: PeriodicSweep<number>;

  constructor(
    private readonly parts: MoPartsRepository,
    private readonly mos: MoService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.runOnce(),
      intervalMs: options.moSweepMs,
      logger: this.logger,
      failureMessage: 'MO sweep failed',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const stale = await this.parts.incompleteBefore(
      new Date(now.getTime() - this.options.moReassemblyTimeoutMs),
      MoReassemblySweeper.BATCH,
      now,
    );
    for (const mo of stale) {
      this.logger.warn(
        mo.lateOf
          ? `MO from ${mo.source} to ${mo.destination}: part(s) ${mo.seqs.join(', ')} of ${mo.total} came after MO ${mo.lateOf.moId} was routed; routing them as its late fragment`
          : `MO from ${mo.source} to ${mo.destination}: part(s) ${mo.missing.join(', ')} of ${mo.total} never arrived; routing the rest`,
      );
    }
    await this.mos.handle(stale.map(inboundOf));
    await this.parts.complete(stale, now);
    await this.parts.purgeForgotten(now);
    return stale.length;
  }
}
