import type { Database } from '@tuxhat/database';
import { type TestPglite, createTestPglite, waitFor } from '@tuxhat/testing';

import {
  ManualClock,
  type RunningPolicy,
  createTenant,
  message,
  startPolicy,
  writePolicy,
} from './support/policy-harness';

// The first PGlite of a test run makes the migrated template (every migration, in WASM): about
// 30 s on a 2-core machine, over a minute when the machine is slow.
jest.setTimeout(180_000);

// All-in-one mode runs the policy on the embedded database (PGlite): one session for the whole
// process, so the ledger's transaction, advisory locks and the releaser's SKIP LOCKED must work
// there too.
describe('policy engine on embedded PGlite', () => {
  let embedded: TestPglite;
  let database: Database;
  let policy: RunningPolicy;
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'));

  beforeAll(async () => {
    embedded = await createTestPglite('policy-pglite');
    database = embedded.database;
  });

  afterAll(async () => {
    await policy?.close();
    await embedded?.drop();
  });

  it('counts the quota exactly, rejects suppressed numbers, and paces queued messages', async () => {
    const prisma = database.prisma;
    const tenant = await createTenant(prisma, 'pglite');
    await writePolicy(prisma, tenant, {
      monthlyQuota: { messages: 4 },
      rate: { messagesPerSecond: 10, burst: 1, overLimit: 'queue' },
    });
    await prisma.suppression.create({
      data: { tenantId: tenant, number: '+38267555555', reason: 'STOP', source: 'mo-keyword' },
    });
    policy = await startPolicy(prisma, clock);
    const suppressed = message(tenant, { destination: '+38267555555' });
    const messages = [1, 2, 3, 4, 5].map(() => message(tenant));

    policy.submit(suppressed, ...messages);

    expect(await policy.outcomeOf(suppressed.messageId)).toBe('rejected');
    expect(await policy.outcomeOf(messages[0].messageId)).toBe('accepted');
    expect(await policy.outcomeOf(messages[4].messageId)).toBe('rejected');
    expect(policy.statusesOf(messages[4].messageId)[0]).toMatchObject({
      errorCode: 'quota-exceeded',
    });
    policy.submit(...messages); // redelivered: counted once
    clock.advance(1_000);
    for (const m of messages.slice(1, 4)) {
      expect(await policy.outcomeOf(m.messageId)).toBe('accepted');
    }
    expect(await prisma.tenantUsage.findFirst({ where: { tenantId: tenant } })).toMatchObject({
      messages: 4,
    });
    await waitFor('the held rows to go', async () =>
      (await prisma.deferredMessage.count()) === 0 ? true : undefined,
    );
  });
});
