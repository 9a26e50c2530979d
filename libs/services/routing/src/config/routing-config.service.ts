import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { ConfigSnapshotProvider, PRISMA } from '@tuxhat/runtime';

import { ROUTING_OPTIONS, type RoutingOptions } from '../routing.options';
import { type RoutingConfig, compileRoutingConfig } from './routing-config';
import { loadRoutingConfigRows } from './routing-config.repository';

/**
 * The routing configuration in memory, following the database through ConfigSnapshot: loaded
 * at start, reloaded and recompiled whenever the config revision moves (every admin change
 * bumps it), so a rule, group or price change applies to the next message without a restart.
 */
@Injectable()
export class RoutingConfigService extends ConfigSnapshotProvider<RoutingConfig> {
  private readonly logger = new Logger(RoutingConfigService.name);
  private loadCount = 0;

  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(ROUTING_OPTIONS) options: RoutingOptions,
  ) {
    super(prisma, {
      name: 'routing',
      pollMs: options.configPollMs,
      load: async (client) => compileRoutingConfig(await loadRoutingConfigRows(client)),
    });
    this.snapshot.onChange((config) => {
      this.loadCount += 1;
      this.logger.log(
        `routing configuration loaded: ${config.rules.length} rule(s), ${config.groups.size} group(s), ` +
          `${config.ranges.size} number range(s)`,
      );
      for (const problem of config.problems) this.logger.warn(`ignored: ${problem}`);
    });
  }

  /** How many times the configuration was (re)loaded: lets tests await a hot reload. */
  get loads(): number {
    return this.loadCount;
  }

  /** Reloads now if the revision moved (read-your-writes for tests and tools). */
  refresh(): Promise<void> {
    return this.snapshot.refresh();
  }
}
