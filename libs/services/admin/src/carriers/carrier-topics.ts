import type { LoggerService } from '@nestjs/common';

import type { CreateCarrierTopics } from '../core/kafka-available';

/** How long creating a new carrier's topics may hold up the answer (Kafka slow or away). */
export const CARRIER_TOPICS_WAIT_MS = 5_000;

/**
 * A new carrier's outbound topics on Kafka (the brokers never create topics). Best effort: the
 * connector creates them too when it takes the carrier up, so Kafka away or slow holds the
 * answer up at most `waitMs` and is only logged.
 */
export async function createCarrierTopics(
  create: CreateCarrierTopics,
  carrierId: string,
  logger: Pick<LoggerService, 'log' | 'warn'>,
  waitMs = CARRIER_TOPICS_WAIT_MS,
): Promise<void> {
  const later =
    'its outbound topics not created (the connector creates them when it takes the carrier up)';
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave up'>((resolve) => {
    timer = setTimeout(() => resolve('gave up'), waitMs);
  });
  try {
    const outcome = await Promise.race([create(carrierId), gaveUp]);
    if (outcome === 'gave up')
      logger.warn(`carrier ${carrierId}: ${later}: no answer within ${waitMs} ms`);
    else if (outcome.length > 0)
      logger.log(`carrier ${carrierId}: created topic(s) ${outcome.join(', ')}`);
  } catch (error) {
    logger.warn(`carrier ${carrierId}: ${later}: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
