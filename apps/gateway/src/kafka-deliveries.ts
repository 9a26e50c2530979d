import type { LoggerService } from '@nestjs/common';
import { tenantTopicFor } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';

/**
 * The enabled DLR paths and MO handlers of kind `kafka`, each with its tenant's topic. On the
 * in-process bus nothing reads those topics: what the dlr service publishes there is lost. The
 * admin API refuses new ones on a gateway without Kafka, but a gateway with Kafka (cluster
 * mode) on the same database may have stored some.
 */
export async function kafkaDeliveries(prisma: PrismaClient): Promise<string[]> {
  const enabledKafka = {
    where: { kind: 'kafka' as const, enabled: true },
    orderBy: { id: 'asc' as const },
  };
  const [paths, handlers] = await Promise.all([
    prisma.dlrPath.findMany(enabledKafka),
    prisma.moHandler.findMany(enabledKafka),
  ]);
  return [
    ...paths.map((path) => `DLR path "${path.id}" (${tenantTopicFor(path.tenantId, 'status')})`),
    ...handlers.map(
      (handler) => `MO handler "${handler.id}" (${tenantTopicFor(handler.tenantId, 'mo')})`,
    ),
  ];
}

/** Logs a warning naming every kafka path and handler the gateway (without Kafka) cannot serve. */
export async function warnOfKafkaDeliveries(
  prisma: PrismaClient,
  logger: LoggerService,
): Promise<void> {
  const named = await kafkaDeliveries(prisma);
  if (named.length === 0) return;
  logger.warn(
    `this gateway runs without Kafka: nothing reads the topics of ${named.join(', ')}, so their ` +
      'tenants get nothing there. Disable or delete them (admin API), or run the gateway in ' +
      'cluster mode',
    'gateway',
  );
}
