import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { SMS_STATUS } from '@tuxhat/contracts';
import { waitFor } from '@tuxhat/testing';

import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { DlrHarness } from './support/dlr-harness';

jest.setTimeout(120_000);

/** webhook.maxAgeMs here; the harness retries after 100, 200, then 400 ms (±20%). */
const MAX_AGE_MS = 60_000;

describe('dlr webhook retries', () => {
  const sut = new DlrHarness('webhook_retries', {
    options: { webhook: { maxAgeMs: MAX_AGE_MS } },
  });
  const prisma = () => sut.db.database.prisma;

  beforeAll(() => sut.start());
  afterAll(() => sut.close());

  /** A tenant of its own whose signed webhook path gets one status. */
  async function tenantWithWebhook(name: string) {
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const tenantId = await sut.addTenant(name, secret);
    const { receiver, url } = await sut.webhookReceiver(secret);
    await sut.addWebhookPath(tenantId, url);
    const publishStatus = () =>
      sut.publish(SMS_STATUS, sut.statusEvent(tenantId, sut.id(`${name}-message`)));
    const delivery = () => prisma().webhookDelivery.findFirstOrThrow({ where: { tenantId } });
    return { receiver, publishStatus, delivery };
  }

  /** A few poll intervals (50 ms) and back-offs: long enough for a due retry to be made. */
  const quietPeriod = () => sleep(1_000);

  it('retries a failing webhook with back-off, abandons it past maxAgeMs with the last error, then never calls again', async () => {
    const { receiver: hook, publishStatus, delivery } = await tenantWithWebhook('give-up');
    hook.respond = () => 500;
    const createdFrom = sut.clock.now().getTime();
    await publishStatus();

    await hook.waitUntil(() => hook.calls.length >= 4, 'four failed attempts');
    expect(hook.calls.slice(0, 4).map((call) => call.headers['x-tuxhat-attempt'])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    // Each retry waits at least the back-off after the failure before it: 100, 200, 400 ms - 20%.
    const gaps = [1, 2, 3].map((index) => hook.calls[index].at - hook.calls[index - 1].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(80);
    expect(gaps[1]).toBeGreaterThanOrEqual(160);
    expect(gaps[2]).toBeGreaterThanOrEqual(320);
    // Still within its max age: pending, not given up.
    const pending = await delivery();
    expect(pending).toMatchObject({ state: 'pending', lastError: 'HTTP 500', lastStatusCode: 500 });
    expect(pending.giveUpAt.getTime()).toBeGreaterThanOrEqual(createdFrom + MAX_AGE_MS);

    // Past its max age: the next failure abandons it, keeping the last error.
    sut.clock.advance(MAX_AGE_MS);
    const abandoned = await waitFor('the delivery abandoned', async () => {
      const row = await delivery();
      return row.state === 'abandoned' ? row : undefined;
    });
    expect(abandoned).toMatchObject({
      lastError: 'HTTP 500',
      lastStatusCode: 500,
      deliveredAt: null,
      leaseUntil: null,
      attempts: hook.calls.length,
    });

    // Nothing is due any more, however late it gets: no further attempt.
    const attempts = hook.calls.length;
    sut.clock.advance(60 * 60_000);
    expect(await sut.get(WebhookDispatcher).pollOnce()).toBe(0);
    await quietPeriod();
    expect(hook.calls).toHaveLength(attempts);
    expect(hook.calls.every((call) => call.status === 500 && call.signatureValid)).toBe(true);
    expect(await delivery()).toMatchObject({ state: 'abandoned', attempts });
  });

  it('keeps a pending retry across a restart: the new instance delivers it exactly once, signed', async () => {
    const { receiver: hook, publishStatus, delivery } = await tenantWithWebhook('restart');
    let failing = true;
    hook.respond = () => (failing ? 500 : 200);
    await publishStatus();
    await hook.waitUntil(() => hook.calls.length >= 2, 'two failed attempts');

    // Closed mid-schedule: the delivery waits in the table for its next attempt, unleased.
    await sut.stopService();
    const failed = hook.calls.length;
    expect(await delivery()).toMatchObject({
      state: 'pending',
      attempts: failed,
      leaseUntil: null,
      lastError: 'HTTP 500',
    });
    await quietPeriod();
    expect(hook.calls).toHaveLength(failed);

    failing = false;
    await sut.startService();
    await hook.waitUntil(() => hook.deliveredByEvent().size === 1, 'the delivery after restart');
    await waitFor('the delivery recorded', async () => {
      const row = await delivery();
      return row.state === 'delivered' ? row : undefined;
    });
    expect(await sut.get(WebhookDispatcher).pollOnce()).toBe(0);
    await quietPeriod();

    expect(hook.calls.map((call) => call.status)).toEqual([
      ...Array<number>(failed).fill(500),
      200,
    ]);
    expect(hook.calls.at(-1)!.headers['x-tuxhat-attempt']).toBe(String(failed + 1));
    expect(new Set(hook.calls.map((call) => call.headers['x-tuxhat-event-id'])).size).toBe(1);
    expect(hook.calls.every((call) => call.signatureValid)).toBe(true);
    expect(await delivery()).toMatchObject({
      state: 'delivered',
      attempts: failed + 1,
      lastError: null,
      leaseUntil: null,
    });
  });
});
