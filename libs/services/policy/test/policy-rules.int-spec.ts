import type { MessageFields } from '@tuxhat/contracts';
import { createTestDatabase, type TestDatabase, waitFor } from '@tuxhat/testing';
import type { PrismaClient } from '@tuxhat/database';

import { DeferredReleaser, PolicyHousekeeping } from '../src';
import {
  ManualClock,
  type RunningPolicy,
  createTenant,
  message,
  startPolicy,
  writePolicy,
} from './support/policy-harness';

// Every rule of the policy engine against real PostgreSQL, on the in-process bus (the Kafka
// paths, several replicas and the load tests are in policy-kafka.int-spec.ts).
describe('policy engine', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let clock: ManualClock;
  const running: RunningPolicy[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('policy_rules');
    prisma = db.database.prisma;
  });

  beforeEach(() => {
    clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z')); // a Thursday
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((policy) => policy.close()));
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function start(options: Parameters<typeof startPolicy>[2] = {}): Promise<RunningPolicy> {
    const policy = await startPolicy(prisma, clock, options);
    running.push(policy);
    return policy;
  }

  /** The message's history once the policy published at least `count` statuses for it. */
  function historyOf(policy: RunningPolicy, messageId: string, count = 1) {
    return waitFor(`${count} status(es) of ${messageId}`, () =>
      policy.statusesOf(messageId).length >= count ? policy.statusesOf(messageId) : undefined,
    );
  }

  /** The message's sms.accepted event; undefined while the policy has not let it through. */
  function acceptedOf(policy: RunningPolicy, messageId: string) {
    return policy.accepted.events.find((e) => e.message.messageId === messageId);
  }

  /**
   * The message's `count`-th status announces its hold (`accepted`, with `detail`), and it waits
   * in deferred_messages until `until`, to be decided again in full then (stage window).
   */
  async function expectHeld(
    policy: RunningPolicy,
    messageId: string,
    { detail, until, count = 1 }: { detail: string; until: string; count?: number },
  ) {
    const history = await historyOf(policy, messageId, count);
    expect(history[count - 1]).toMatchObject({ status: 'accepted', source: 'policy', detail });
    expect(await prisma.deferredMessage.findUnique({ where: { messageId } })).toMatchObject({
      stage: 'window',
      releaseAt: new Date(until),
    });
  }

  /** Moves the clock to `iso` and runs a release round: none of `messages` goes out yet. */
  async function stillHeldAt(policy: RunningPolicy, iso: string, ...messages: MessageFields[]) {
    clock.set(iso);
    await policy.app.get(DeferredReleaser, { strict: false }).releaseDue();
    for (const m of messages) expect(acceptedOf(policy, m.messageId)).toBeUndefined();
  }

  /** Moves the clock to `iso`; the accepted events of `messages` once the releaser sent them on. */
  async function releasedAt(policy: RunningPolicy, iso: string, ...messages: MessageFields[]) {
    clock.set(iso);
    for (const m of messages) expect(await policy.outcomeOf(m.messageId)).toBe('accepted');
    return messages.map((m) => acceptedOf(policy, m.messageId)!);
  }

  /** Resolves once the tenant has no held message left. */
  function nothingHeld(tenant: string) {
    return waitFor(`no held message of ${tenant}`, async () =>
      (await prisma.deferredMessage.count({ where: { tenantId: tenant } })) === 0
        ? true
        : undefined,
    );
  }

  it('accepts a message of a tenant without a policy, recording the decision on its history', async () => {
    const tenant = await createTenant(prisma, 'plain');
    const policy = await start();
    const m = message(tenant);

    policy.submit(m);

    expect(await policy.outcomeOf(m.messageId)).toBe('accepted');
    const accepted = acceptedOf(policy, m.messageId)!;
    expect(accepted.decision).toBe('policy default: accepted (no rule limits this message)');
    expect(policy.statusesOf(m.messageId)).toEqual([
      expect.objectContaining({ status: 'accepted', source: 'policy', detail: accepted.decision }),
    ]);
  });

  it('rejects unknown and suspended tenants', async () => {
    const suspended = await createTenant(prisma, 'suspended');
    await prisma.tenant.update({ where: { id: suspended }, data: { status: 'suspended' } });
    const policy = await start();
    const [a, b] = [message('nobody-at-all'), message(suspended)];

    policy.submit(a, b);

    expect(await policy.outcomeOf(a.messageId)).toBe('rejected');
    expect(await policy.outcomeOf(b.messageId)).toBe('rejected');
    expect(policy.statusesOf(a.messageId)[0]).toMatchObject({ errorCode: 'tenant-unknown' });
    expect(policy.statusesOf(b.messageId)[0]).toMatchObject({
      errorCode: 'tenant-suspended',
      detail: 'policy: rejected by tenant-active (tenant-suspended)',
    });
  });

  it('allows and denies destinations by prefix, country, number and pattern; deny wins', async () => {
    const tenant = await createTenant(prisma, 'dest');
    await writePolicy(prisma, tenant, {
      destinations: {
        allow: [{ country: 'ME' }, { prefix: '4915' }],
        deny: [{ number: '+38267000001' }, { pattern: '^\\+38269' }, { country: 'DE' }],
      },
    });
    const policy = await start();
    const cases = {
      montenegro: message(tenant, { destination: '+38267123456' }),
      deniedNumber: message(tenant, { destination: '+38267000001' }),
      deniedPattern: message(tenant, { destination: '+38269123456' }),
      germanyDeniedOverAllow: message(tenant, { destination: '+4915112345678' }),
      notAllowed: message(tenant, { destination: '+447911123456' }),
    };

    policy.submit(...Object.values(cases));

    expect(await policy.outcomeOf(cases.montenegro.messageId)).toBe('accepted');
    for (const m of Object.values(cases).slice(1)) {
      expect(await policy.outcomeOf(m.messageId)).toBe('rejected');
    }
    const detail = (m: { messageId: string }) => policy.statusesOf(m.messageId)[0]?.detail;
    expect(detail(cases.montenegro)).toBe('policy v1: accepted (destinations.allow[0] country ME)');
    expect(detail(cases.deniedNumber)).toBe(
      'policy v1: rejected by destinations.deny[0] number +38267000001 (destination-denied)',
    );
    expect(detail(cases.deniedPattern)).toContain('destinations.deny[1] pattern ^\\+38269');
    expect(detail(cases.germanyDeniedOverAllow)).toContain('destinations.deny[2] country DE');
    expect(policy.statusesOf(cases.notAllowed.messageId)[0]).toMatchObject({
      errorCode: 'destination-not-allowed',
      detail: 'policy v1: rejected by destinations.allow (destination-not-allowed)',
    });
  });

  it('rejects numbers on the tenant’s suppression list, and only for that tenant', async () => {
    const [a, b] = [await createTenant(prisma, 'supp-a'), await createTenant(prisma, 'supp-b')];
    await writePolicy(prisma, b, { useSuppressionList: false });
    await prisma.suppression.create({
      data: { tenantId: a, number: '+38267999999', reason: 'STOP keyword', source: 'mo-keyword' },
    });
    const policy = await start();
    const toA = message(a, { destination: '+38267999999' });
    const toB = message(b, { destination: '+38267999999' });
    const otherA = message(a);

    policy.submit(toA, toB, otherA);

    expect(await policy.outcomeOf(toA.messageId)).toBe('rejected');
    expect(policy.statusesOf(toA.messageId)[0]).toMatchObject({
      errorCode: 'suppressed',
      detail: 'policy default: rejected by suppression-list (suppressed)',
    });
    expect(await policy.outcomeOf(toB.messageId)).toBe('accepted');
    expect(await policy.outcomeOf(otherA.messageId)).toBe('accepted');
  });

  describe('time-of-day windows (injected clock)', () => {
    it('defers a message outside its window to the next opening, durably, and exempts otp', async () => {
      const tenant = await createTenant(prisma, 'window');
      await writePolicy(prisma, tenant, {
        timeZone: 'Europe/Berlin',
        windows: [
          { classes: ['bulk', 'transactional'], from: '09:00', to: '20:00', days: [1, 2, 3, 4, 5] },
        ],
      });
      clock.set('2026-01-16T19:30:00Z'); // Friday 20:30 in Berlin: closed until Monday 09:00
      const policy = await start();
      const bulk = message(tenant, { priority: 'bulk' });
      const otp = message(tenant, { priority: 'otp' });

      policy.submit(bulk, otp);

      expect(await policy.outcomeOf(otp.messageId)).toBe('accepted');
      await expectHeld(policy, bulk.messageId, {
        detail:
          'policy v1: deferred by windows[0] 09:00-20:00 Europe/Berlin days 1,2,3,4,5 until 2026-01-19T08:00:00.000Z',
        until: '2026-01-19T08:00:00Z',
      });

      // The policy restarts over the weekend; the deferral survives in the database.
      await policy.close();
      running.splice(running.indexOf(policy), 1);
      clock.set('2026-01-19T07:59:59Z');
      const after = await start();
      const early = message(tenant, { priority: 'bulk' });
      after.submit(early);
      await after.app.get(DeferredReleaser, { strict: false }).releaseDue();
      expect(acceptedOf(after, bulk.messageId)).toBeUndefined();

      const [released] = await releasedAt(after, '2026-01-19T08:00:00Z', bulk, early);
      expect(released.decision).toContain('windows[0] 09:00-20:00 Europe/Berlin');
      expect(released.message).toEqual(bulk);
      await nothingHeld(tenant);
    });

    it('rejects outside a window whose policy says reject', async () => {
      const tenant = await createTenant(prisma, 'window-reject');
      await writePolicy(prisma, tenant, {
        windows: [{ classes: ['bulk'], from: '22:00', to: '06:00', outside: 'reject' }],
      });
      const policy = await start(); // 12:00 UTC: outside 22:00-06:00
      const m = message(tenant, { priority: 'bulk' });

      policy.submit(m);

      expect(await policy.outcomeOf(m.messageId)).toBe('rejected');
      expect(policy.statusesOf(m.messageId)[0]).toMatchObject({
        errorCode: 'outside-window',
        detail: 'policy v1: rejected by windows[0] 22:00-06:00 UTC (outside-window)',
      });
      clock.set('2026-01-15T23:00:00Z'); // inside, across midnight
      const late = message(tenant, { priority: 'bulk' });
      policy.submit(late);
      expect(await policy.outcomeOf(late.messageId)).toBe('accepted');
    });

    it("uses the destination country's zone", async () => {
      const tenant = await createTenant(prisma, 'window-dest');
      await writePolicy(prisma, tenant, {
        windows: [
          { classes: ['transactional'], from: '09:00', to: '20:00', timeZone: 'destination' },
        ],
      });
      clock.set('2026-01-15T07:30:00Z'); // 08:30 in Podgorica, 13:00 in Kolkata
      const policy = await start();
      const montenegro = message(tenant, { destination: '+38267123456' });
      const india = message(tenant, { destination: '+919812345678' });

      policy.submit(montenegro, india);

      expect(await policy.outcomeOf(india.messageId)).toBe('accepted');
      await waitFor('the deferral', () => policy.statusesOf(montenegro.messageId)[0]);
      expect(policy.statusesOf(montenegro.messageId)[0].detail).toContain(
        'until 2026-01-15T08:00:00.000Z',
      );
    });
  });

  describe('scheduled messages (injected clock)', () => {
    it('holds a message durably until its scheduledAt, for every class, then lets it through', async () => {
      const tenant = await createTenant(prisma, 'scheduled'); // no policy: nothing stateful
      const policy = await start(); // 2026-01-15T12:00:00Z
      const scheduledAt = '2026-01-15T15:00:00.000+01:00'; // 14:00 UTC, 2 h ahead
      const later = message(tenant, { scheduledAt });
      const otp = message(tenant, { priority: 'otp', scheduledAt });
      const now = message(tenant);

      policy.submit(later, otp, now);

      expect(await policy.outcomeOf(now.messageId)).toBe('accepted');
      for (const held of [later, otp]) {
        await expectHeld(policy, held.messageId, {
          detail: 'policy default: deferred by scheduledAt until 2026-01-15T14:00:00.000Z',
          until: '2026-01-15T14:00:00Z',
        });
      }

      await stillHeldAt(policy, '2026-01-15T13:59:59.999Z', later, otp);
      const [released] = await releasedAt(policy, '2026-01-15T14:00:00Z', later, otp);
      expect(released.decision).toBe('policy default: accepted (no rule limits this message)');
      expect(released.message).toEqual(later);
      expect(policy.statusesOf(later.messageId).map((event) => event.detail)).toEqual([
        'policy default: deferred by scheduledAt until 2026-01-15T14:00:00.000Z',
        released.decision,
      ]);
      await nothingHeld(tenant);
    });

    it('applies the send windows at the scheduled time: outside one, deferred to its opening', async () => {
      const tenant = await createTenant(prisma, 'scheduled-window');
      await writePolicy(prisma, tenant, {
        timeZone: 'Europe/Berlin',
        windows: [{ classes: ['bulk'], from: '09:00', to: '20:00', days: [1, 2, 3, 4, 5] }],
        monthlyQuota: { messages: 10 },
      });
      const used = async () =>
        (await prisma.tenantUsage.findFirst({ where: { tenantId: tenant } }))?.messages ?? 0;
      const policy = await start(); // Thursday 13:00 in Berlin: the window is open now
      // Friday 20:30 in Berlin: closed until Monday 09:00.
      const m = message(tenant, { priority: 'bulk', scheduledAt: '2026-01-16T19:30:00.000Z' });

      policy.submit(m);

      await expectHeld(policy, m.messageId, {
        detail: 'policy v1: deferred by scheduledAt until 2026-01-16T19:30:00.000Z',
        until: '2026-01-16T19:30:00Z',
      });

      clock.set('2026-01-16T19:30:00Z'); // released, and deferred again by the window
      await expectHeld(policy, m.messageId, {
        detail:
          'policy v1: deferred by windows[0] 09:00-20:00 Europe/Berlin days 1,2,3,4,5 until 2026-01-19T08:00:00.000Z',
        until: '2026-01-19T08:00:00Z',
        count: 2,
      });
      await stillHeldAt(policy, '2026-01-19T07:59:59.999Z', m);
      expect(await used()).toBe(0); // counted only once it is let through

      const [released] = await releasedAt(policy, '2026-01-19T08:00:00Z', m);
      expect(released.decision).toContain('windows[0] 09:00-20:00 Europe/Berlin');
      expect(await used()).toBe(1);
    });
  });

  describe('monthly quota', () => {
    it('counts each message once even when redelivered, rejects over quota, warns once', async () => {
      const tenant = await createTenant(prisma, 'quota');
      await writePolicy(prisma, tenant, { monthlyQuota: { messages: 3, warnAtPercent: 60 } });
      const policy = await start();
      const messages = [1, 2, 3, 4, 5].map(() => message(tenant));

      policy.submit(...messages);
      for (const m of messages) await policy.outcomeOf(m.messageId);
      policy.submit(...messages); // Kafka redelivers the whole batch
      await policy.statuses.waitFor(10, (event) => event.tenantId === tenant);

      // (Held messages of earlier tests, due by now, may be released here too: filter by tenant.)
      const accepted = new Set(
        policy.accepted.events
          .filter((event) => event.message.tenantId === tenant)
          .map((event) => event.message.messageId),
      );
      expect([...accepted].sort()).toEqual(
        messages
          .slice(0, 3)
          .map((m) => m.messageId)
          .sort(),
      );
      const rejected = policy.statuses.events.filter(
        (event) => event.tenantId === tenant && event.status === 'rejected',
      );
      expect(new Set(rejected.map((event) => event.messageId))).toEqual(
        new Set(messages.slice(3).map((m) => m.messageId)),
      );
      expect(rejected[0]).toMatchObject({
        errorCode: 'quota-exceeded',
        detail: 'policy v1: rejected by monthlyQuota.messages 3 (quota-exceeded)',
      });
      // A redelivered decision is the same event: downstream history records it once.
      const ids = policy.statuses.events.filter((e) => e.tenantId === tenant).map((e) => e.eventId);
      expect(new Set(ids).size).toBe(5);
      expect(await prisma.tenantUsage.findMany({ where: { tenantId: tenant } })).toEqual([
        expect.objectContaining({ month: '2026-01', messages: 3, parts: 3, warnedAt: clock.now() }),
      ]);
      const warnings = policy.warnings.events.filter((event) => event.tenantId === tenant);
      expect(new Set(warnings.map((event) => event.eventId)).size).toBe(1);
      expect(warnings[0]).toMatchObject({
        month: '2026-01',
        warnAtPercent: 60,
        messages: 2,
        quotaMessages: 3,
        timeZone: 'UTC',
      });
    });

    it('resets with the calendar month of the policy’s time zone', async () => {
      const tenant = await createTenant(prisma, 'quota-month');
      await writePolicy(prisma, tenant, {
        timeZone: 'Asia/Tokyo',
        monthlyQuota: { messages: 1, parts: 10 },
      });
      clock.set('2026-01-31T14:00:00Z'); // 23:00 on 31 January in Tokyo
      const policy = await start();
      const [january, alsoJanuary] = [message(tenant, { parts: 2 }), message(tenant)];
      policy.submit(january, alsoJanuary);
      expect(await policy.outcomeOf(january.messageId)).toBe('accepted');
      expect(await policy.outcomeOf(alsoJanuary.messageId)).toBe('rejected');

      clock.set('2026-01-31T15:00:00Z'); // midnight: February in Tokyo, still January in UTC
      const february = message(tenant, { parts: 3 });
      policy.submit(february);
      expect(await policy.outcomeOf(february.messageId)).toBe('accepted');
      const usage = await prisma.tenantUsage.findMany({
        where: { tenantId: tenant },
        orderBy: { month: 'asc' },
      });
      expect(usage.map(({ month, messages, parts }) => ({ month, messages, parts }))).toEqual([
        { month: '2026-01', messages: 1, parts: 2 },
        { month: '2026-02', messages: 1, parts: 3 },
      ]);
    });
  });

  describe('traffic control', () => {
    it('rejects over maxInFlight and frees a slot when a status answers the message', async () => {
      const tenant = await createTenant(prisma, 'inflight');
      await writePolicy(prisma, tenant, {
        rate: { messagesPerSecond: 1_000, burst: 1_000, maxInFlight: 2 },
      });
      const policy = await start();
      const [m1, m2, m3] = [message(tenant), message(tenant), message(tenant)];

      policy.submit(m1, m2, m3);

      expect(await policy.outcomeOf(m1.messageId)).toBe('accepted');
      expect(await policy.outcomeOf(m2.messageId)).toBe('accepted');
      expect(await policy.outcomeOf(m3.messageId)).toBe('rejected');
      expect(policy.statusesOf(m3.messageId)[0]).toMatchObject({
        errorCode: 'rate-limited',
        detail: 'policy v1: rejected by rate.maxInFlight 2 (rate-limited)',
      });

      policy.status(m1.messageId, tenant, 'sent');
      await waitFor('the slot to be freed', async () =>
        (await prisma.inFlightMessage.count({ where: { tenantId: tenant } })) === 1
          ? true
          : undefined,
      );
      const m4 = message(tenant);
      policy.submit(m4);
      expect(await policy.outcomeOf(m4.messageId)).toBe('accepted');
    });

    it('queues over maxInFlight with overLimit queue and releases when a slot frees', async () => {
      const tenant = await createTenant(prisma, 'inflight-queue');
      await writePolicy(prisma, tenant, {
        rate: { messagesPerSecond: 1_000, burst: 1_000, maxInFlight: 1, overLimit: 'queue' },
      });
      const policy = await start();
      const [m1, m2] = [message(tenant), message(tenant)];

      policy.submit(m1, m2);

      expect(await policy.outcomeOf(m1.messageId)).toBe('accepted');
      await waitFor('m2 queued', () => policy.statusesOf(m2.messageId)[0]);
      expect(policy.statusesOf(m2.messageId)[0].detail).toBe(
        'policy v1: queued by rate.maxInFlight 1',
      );
      clock.advance(1_000);
      await policy.app.get(DeferredReleaser, { strict: false }).releaseDue();
      expect(policy.accepted.events.some((e) => e.message.messageId === m2.messageId)).toBe(false);

      policy.status(m1.messageId, tenant, 'failed');
      clock.advance(1_000);
      expect(await policy.outcomeOf(m2.messageId)).toBe('accepted');
    });

    it('paces queued messages at the rate and keeps them across a restart', async () => {
      const tenant = await createTenant(prisma, 'paced');
      await writePolicy(prisma, tenant, {
        rate: { messagesPerSecond: 5, burst: 1, overLimit: 'queue' },
        monthlyQuota: { messages: 100 },
      });
      const policy = await start();
      const messages = [1, 2, 3, 4].map(() => message(tenant));

      policy.submit(...messages);

      expect(await policy.outcomeOf(messages[0].messageId)).toBe('accepted');
      const queued = await waitFor('3 queued', () => {
        const details = messages.slice(1).map((m) => policy.statusesOf(m.messageId)[0]?.detail);
        return details.every(Boolean) ? details : undefined;
      });
      const start0 = clock.now().getTime();
      expect(queued).toEqual(
        [200, 400, 600].map(
          (ms) =>
            `policy v1: queued by rate.messagesPerSecond 5 burst 1 until ${new Date(start0 + ms).toISOString()}`,
        ),
      );
      // Counted when queued: the quota sees all four.
      expect(await prisma.tenantUsage.findFirst({ where: { tenantId: tenant } })).toMatchObject({
        messages: 4,
      });

      await policy.close();
      running.splice(running.indexOf(policy), 1);
      const after = await start();
      clock.advance(450);
      await waitFor('two released', () =>
        after.accepted.events.filter((e) => e.message.tenantId === tenant).length === 2
          ? true
          : undefined,
      );
      expect(
        after.accepted.events
          .filter((e) => e.message.tenantId === tenant)
          .map((e) => e.message.messageId),
      ).toEqual(messages.slice(1, 3).map((m) => m.messageId));
      clock.advance(200);
      expect(await after.outcomeOf(messages[3].messageId)).toBe('accepted');
      await nothingHeld(tenant); // once published
    });

    it('rejects over the rate with overLimit reject', async () => {
      const tenant = await createTenant(prisma, 'rate-reject');
      await writePolicy(prisma, tenant, { rate: { messagesPerSecond: 10, burst: 3 } });
      const policy = await start();
      const messages = [1, 2, 3, 4].map(() => message(tenant));

      policy.submit(...messages);

      const outcomes = [];
      for (const m of messages) outcomes.push(await policy.outcomeOf(m.messageId));
      expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'rejected']);
      expect(policy.statusesOf(messages[3].messageId)[0]).toMatchObject({
        errorCode: 'rate-limited',
        detail: 'policy v1: rejected by rate.messagesPerSecond 10 burst 3 (rate-limited)',
      });
      clock.advance(100);
      const later = message(tenant);
      policy.submit(later);
      expect(await policy.outcomeOf(later.messageId)).toBe('accepted');
    });
  });

  describe('prepaid balance', () => {
    it('reserves the tariff price per message and rejects what the balance cannot cover', async () => {
      const tenant = await createTenant(prisma, 'prepaid');
      await writePolicy(prisma, tenant, { billing: { mode: 'prepaid' } });
      await prisma.tariff.create({
        data: {
          id: `tariff-${tenant}`,
          tenantId: tenant,
          prefix: '382',
          priceMinor: 3,
          currency: 'EUR',
        },
      });
      await prisma.tenantBalance.create({
        data: { tenantId: tenant, currency: 'EUR', availableMinor: 10n },
      });
      const policy = await start();
      const [twoParts, alsoTwoParts, onePart] = [
        message(tenant, { parts: 2 }),
        message(tenant, { parts: 2 }),
        message(tenant, { parts: 1 }),
      ];

      policy.submit(twoParts, alsoTwoParts, onePart);

      expect(await policy.outcomeOf(twoParts.messageId)).toBe('accepted');
      expect(await policy.outcomeOf(alsoTwoParts.messageId)).toBe('rejected');
      expect(await policy.outcomeOf(onePart.messageId)).toBe('accepted');
      expect(policy.statusesOf(alsoTwoParts.messageId)[0]).toMatchObject({
        errorCode: 'insufficient-balance',
        detail: 'policy v1: rejected by billing.prepaid (insufficient-balance)',
      });
      expect(await prisma.tenantBalance.findUnique({ where: { tenantId: tenant } })).toMatchObject({
        availableMinor: 1n,
        reservedMinor: 9n,
      });
      const reservations = await prisma.balanceReservation.findMany({
        where: { tenantId: tenant },
        orderBy: { amountMinor: 'asc' },
      });
      expect(
        reservations.map(({ messageId, amountMinor, currency, state }) => ({
          messageId,
          amountMinor,
          currency,
          state,
        })),
      ).toEqual([
        { messageId: onePart.messageId, amountMinor: 3n, currency: 'EUR', state: 'reserved' },
        { messageId: twoParts.messageId, amountMinor: 6n, currency: 'EUR', state: 'reserved' },
      ]);

      policy.submit(twoParts); // redelivered: nothing reserved twice
      await policy.statuses.waitFor(
        2,
        (event) => event.messageId === twoParts.messageId && event.status === 'accepted',
      );
      expect(await prisma.tenantBalance.findUnique({ where: { tenantId: tenant } })).toMatchObject({
        availableMinor: 1n,
        reservedMinor: 9n,
      });
    });
  });

  it('applies a new policy version without a restart', async () => {
    const tenant = await createTenant(prisma, 'reload');
    const policy = await start();
    const before = message(tenant, { destination: '+38267123456' });
    policy.submit(before);
    expect(await policy.outcomeOf(before.messageId)).toBe('accepted');

    await writePolicy(prisma, tenant, { destinations: { deny: [{ country: 'ME' }] } });
    await waitFor(
      'the new policy',
      async () => {
        const probe = message(tenant, { destination: '+38267123456' });
        policy.submit(probe);
        return (await policy.outcomeOf(probe.messageId)) === 'rejected' ? true : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
  });

  it('purges old decisions (keeping those of held messages) and unanswered in-flight slots', async () => {
    const tenant = await createTenant(prisma, 'purge');
    const policy = await start({ decisionRetentionMs: 86_400_000, inFlightTimeoutMs: 60_000 });
    const old = new Date(clock.now().getTime() - 2 * 86_400_000);
    const decision = (messageId: string) => ({
      messageId,
      tenantId: tenant,
      outcome: 'accepted' as const,
      parts: 1,
      detail: 'x',
      decidedAt: old,
    });
    await prisma.policyDecision.createMany({
      data: [
        decision(`${tenant}-old`),
        decision(`${tenant}-held`),
        { ...decision(`${tenant}-new`), decidedAt: clock.now() },
      ],
    });
    await prisma.deferredMessage.create({
      data: {
        messageId: `${tenant}-held`,
        tenantId: tenant,
        stage: 'window',
        releaseAt: new Date('2099-01-01T00:00:00Z'),
        message: {},
      },
    });
    await prisma.inFlightMessage.createMany({
      data: [
        { messageId: `${tenant}-lost`, tenantId: tenant, since: old },
        { messageId: `${tenant}-flying`, tenantId: tenant, since: clock.now() },
      ],
    });

    await policy.app.get(PolicyHousekeeping, { strict: false }).purge();

    expect(
      (await prisma.policyDecision.findMany({ where: { tenantId: tenant } }))
        .map((row) => row.messageId)
        .sort(),
    ).toEqual([`${tenant}-held`, `${tenant}-new`]);
    expect(
      (await prisma.inFlightMessage.findMany({ where: { tenantId: tenant } })).map(
        (row) => row.messageId,
      ),
    ).toEqual([`${tenant}-flying`]);
    await prisma.deferredMessage.delete({ where: { messageId: `${tenant}-held` } });
  });

  it('keeps tenants apart: one tenant’s exhausted quota and rate never affect another', async () => {
    const [a, b] = [await createTenant(prisma, 'iso-a'), await createTenant(prisma, 'iso-b')];
    await writePolicy(prisma, a, {
      monthlyQuota: { messages: 1 },
      rate: { messagesPerSecond: 1, burst: 1 },
    });
    await writePolicy(prisma, b, {
      monthlyQuota: { messages: 3 },
      rate: { messagesPerSecond: 1, burst: 3 },
    });
    const policy = await start();
    const fromA = [1, 2, 3].map(() => message(a));
    const fromB = [1, 2, 3].map(() => message(b));

    policy.submit(...fromA, ...fromB);

    for (const m of fromB) expect(await policy.outcomeOf(m.messageId)).toBe('accepted');
    const outcomesA = [];
    for (const m of fromA) outcomesA.push(await policy.outcomeOf(m.messageId));
    expect(outcomesA).toEqual(['accepted', 'rejected', 'rejected']);
  });
});
