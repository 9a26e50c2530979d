import { type TestDatabase, createTestDatabase } from '@tuxhat/testing';

import { warnOfKafkaDeliveries } from '../src/kafka-deliveries';

/**
 * At boot the all-in-one gateway (no Kafka) names the kafka DLR paths and MO handlers a gateway
 * with Kafka stored on the same database: their tenants would get nothing.
 */
describe('kafka paths and handlers found at boot without Kafka', () => {
  let db: TestDatabase;
  const warnings: string[] = [];
  const logger = {
    log() {},
    warn: (message: unknown) => warnings.push(String(message)),
    error() {},
  };

  beforeAll(async () => {
    db = await createTestDatabase('kafka_deliveries');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('says nothing when there are none, and names the enabled ones otherwise', async () => {
    const prisma = db.database.prisma;
    await prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await prisma.dlrPath.create({
      data: { id: 'acme-hook', tenantId: 'acme', kind: 'webhook', url: 'https://x.example' },
    });
    await warnOfKafkaDeliveries(prisma, logger);
    expect(warnings).toEqual([]);

    await prisma.dlrPath.createMany({
      data: [
        { id: 'acme-topic', tenantId: 'acme', kind: 'kafka' },
        { id: 'acme-off', tenantId: 'acme', kind: 'kafka', enabled: false },
      ],
    });
    await prisma.moHandler.create({
      data: { id: 'acme-mo', tenantId: 'acme', destination: '1234', keyword: '', kind: 'kafka' },
    });
    await warnOfKafkaDeliveries(prisma, logger);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('without Kafka');
    expect(warnings[0]).toContain('DLR path "acme-topic" (tenant.acme.status.v1)');
    expect(warnings[0]).toContain('MO handler "acme-mo" (tenant.acme.mo.v1)');
    expect(warnings[0]).not.toContain('acme-off');
    expect(warnings[0]).not.toContain('acme-hook');
  });
});
