import { Logger } from '@nestjs/common';
import { type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';
import { testMessage } from '@tuxhat/testing';

import type { ConnectorReporter } from './connector-reporter';
import { handleOutboundBatch } from './outbound-batch';
import type { ReplayGuard } from './replay-guard';

const NOW = new Date('2026-11-26T12:00:00.000Z');

const event = (messageId: string, validUntil?: string): SmsOutboundEvent => ({
  ...newEnvelope(),
  message: testMessage({
    messageId,
    acceptedAt: NOW.toISOString(),
    ...(validUntil ? { validUntil } : {}),
  }),
  carrierId: 'telco-a',
  routeId: 'default',
  attempt: 1,
});

describe(handleOutboundBatch.name, () => {
  const logger = new Logger('test');
  logger.log = () => undefined;

  it('skips replays and duplicates, reports expired messages, sends the rest, collects failures', async () => {
    const sent: string[] = [];
    const expired: string[] = [];
    const replays = { replaysIn: async () => new Set([1]) } as unknown as ReplayGuard;
    const reporter = {
      expired: async (item: SmsOutboundEvent) => {
        expired.push(item.message.messageId);
      },
    } as unknown as ConnectorReporter;
    const failure = new Error('carrier busy');
    const outcome = await handleOutboundBatch(
      [
        event('fresh'),
        event('replayed'),
        event('fresh'),
        event('stale', '2026-11-26T11:59:59.000Z'),
        event('valid', '2026-11-26T12:00:01.000Z'),
        event('busy'),
      ],
      {
        replays,
        reporter,
        clock: { now: () => NOW },
        logger,
        send: async (item) => {
          if (item.message.messageId === 'busy') throw failure;
          sent.push(item.message.messageId);
        },
      },
    );
    expect(sent.sort()).toEqual(['fresh', 'valid']);
    expect(expired).toEqual(['stale']);
    expect([...outcome.failures]).toEqual([[5, failure]]);
  });
});
