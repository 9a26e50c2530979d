import { HealthChecks } from '@tuxhat/observability';
import { createTestDatabase } from '@tuxhat/testing';

import { registerDatabaseCheck } from './database-health';

describe(registerDatabaseCheck.name, () => {
  it('adds one readiness check per database however many services share it, removed with the last', async () => {
    const db = await createTestDatabase('database_health');
    try {
      const health = new HealthChecks();
      health.markStarted();
      const releaseA = registerDatabaseCheck(db.database.prisma, health);
      const releaseB = registerDatabaseCheck(db.database.prisma, health);
      expect(await health.report('readiness')).toEqual({
        ok: true,
        status: 'ok',
        checks: [{ name: 'database', ok: true }],
      });
      releaseA();
      releaseA(); // idempotent: releases this share only once
      expect((await health.report('readiness')).checks).toHaveLength(1);
      releaseB();
      expect((await health.report('readiness')).checks).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('is not ready when the database does not answer', async () => {
    const db = await createTestDatabase('database_health_down');
    const health = new HealthChecks();
    health.markStarted();
    registerDatabaseCheck(db.database.prisma, health);
    await db.drop();
    const report = await health.report('readiness');
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'database', ok: false });
    // never a liveness concern: a restart does not bring a database back
    expect((await health.report('liveness')).ok).toBe(true);
  });
});
