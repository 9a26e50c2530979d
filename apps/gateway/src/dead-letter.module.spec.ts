import type { Provider, ValueProvider } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import { DAY_MS, type ServiceRuntime } from '@tuxhat/runtime';

import { DEAD_LETTER_RETENTION_MS } from './dead-letter-retention';
import { DeadLetterModule } from './dead-letter.module';

// Only forRoot's own checks: it reads nothing of the runtime but its parts.
const runtime = { prisma: {}, clock: { now: () => new Date() } } as unknown as ServiceRuntime;

function retentionMsOf(providers: Provider[] | undefined): unknown {
  const provider = providers?.find(
    (candidate): candidate is ValueProvider =>
      typeof candidate === 'object' && candidate.provide === DEAD_LETTER_RETENTION_MS,
  );
  return provider?.useValue;
}

describe(DeadLetterModule.name, () => {
  it('keeps dead letters for ever unless MESSAGE_RETENTION_DAYS is given', () => {
    expect(retentionMsOf(DeadLetterModule.forRoot(runtime).providers)).toBeNull();
    expect(
      retentionMsOf(DeadLetterModule.forRoot(runtime, { messageRetentionDays: 10 }).providers),
    ).toBe(10 * DAY_MS);
  });

  it.each([7, 0, 1.5, 36_501])('refuses messageRetentionDays %d, naming the option', (days) => {
    const build = () => DeadLetterModule.forRoot(runtime, { messageRetentionDays: days });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/messageRetentionDays/);
  });
});
