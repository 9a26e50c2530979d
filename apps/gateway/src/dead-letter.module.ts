import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import {
  CLOCK,
  PRISMA,
  type ServiceRuntime,
  retentionDaysOption,
  retentionMs,
} from '@tuxhat/runtime';
import { z } from 'zod';

import { DEAD_LETTER_RETENTION_MS, DeadLetterRetention } from './dead-letter-retention';
import { DeadLetterConsumer } from './dead-letter.consumer';

export interface DeadLetterOptions {
  /** Days a dead letter is kept after it failed (env MESSAGE_RETENTION_DAYS); unset: for ever. */
  readonly messageRetentionDays?: number;
}

const optionsSchema = z.object({
  messageRetentionDays: retentionDaysOption,
});

@Module({})
export class DeadLetterModule {
  /** Checked here, at boot: a bad value stops the gateway with the option named. */
  static forRoot(runtime: ServiceRuntime, options: DeadLetterOptions = {}): DynamicModule {
    const parsed = optionsSchema.safeParse({ messageRetentionDays: options.messageRetentionDays });
    if (!parsed.success) throw ConfigError.fromZod('dead letter options', parsed.error);
    return {
      module: DeadLetterModule,
      controllers: [DeadLetterConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        {
          provide: DEAD_LETTER_RETENTION_MS,
          useValue: retentionMs(parsed.data.messageRetentionDays),
        },
        DeadLetterRetention,
      ],
    };
  }
}
