import { randomUUID } from 'node:crypto';

import {
  type AdminClient,
  GatewayProcess,
  SimulatorProcess,
  writeGatewayConfig,
} from '@tuxhat/system-harness';
import { waitFor } from '@tuxhat/testing';

import { TenantClient } from './support/tenant-client';

/** telco-a's route; the destinations of this test. */
const PREFIX = '+38267';
/** The route of the carrier added while the gateway runs. */
const NEW_PREFIX = '+38268';
/** One message every 20 ms, without waiting for answers. */
const PACE_MS = 20;
/** A bound on the stream, in case the change never reaches the connector (the test then fails). */
const MAX_STREAM = 400;
/** The variable, in the gateway's environment, holding the new SMSC's password. */
const NEW_PASSWORD_ENV = 'E2E_TELCO_A_NEW_PASSWORD';

/**
 * An operator moves a carrier to another SMSC (its port and password) through the admin API of
 * the running all-in-one gateway, while a tenant sends a steady stream: the SMPP connector
 * replaces the carrier's bind without a restart, every message reaches a carrier exactly once,
 * and the messages sent after the change go to the new SMSC. A carrier added with its route
 * is served without a restart too, and one added with settings the connector cannot use is
 * reported unhealthy, so routing fails over from it, and what was routed to it before that
 * goes back to routing; a restart with it in the table boots all the same, without it.
 */
describe('a carrier changed through the admin API of a running gateway', () => {
  let oldSmsc: SimulatorProcess | undefined;
  let newSmsc: SimulatorProcess | undefined;
  let gateway: GatewayProcess | undefined;
  let tenant: TenantClient | undefined;

  afterEach(async () => {
    tenant?.close();
    await gateway?.dispose('SIGKILL');
    await Promise.all([oldSmsc?.stop('SIGKILL'), newSmsc?.stop('SIGKILL')]);
  });

  /**
   * Two SMSCs, and the gateway with telco-a (routed PREFIX) on the old one; the new one's
   * password in NEW_PASSWORD_ENV.
   */
  async function start(oldSmscEnv: Record<string, string> = {}) {
    oldSmsc = await SimulatorProcess.create(oldSmscEnv);
    newSmsc = await SimulatorProcess.create();
    const { file, tenants } = writeGatewayConfig(
      ['acme'],
      [{ id: 'telco-a', port: oldSmsc.port, password: oldSmsc.password, prefix: PREFIX }],
    );
    gateway = await GatewayProcess.create({
      TUXHAT_CONFIG: file,
      SIMULATOR: 'false',
      [NEW_PASSWORD_ENV]: newSmsc.password,
    });
    await Promise.all([oldSmsc.start(), newSmsc.start()]);
    await gateway.start();
    tenant = new TenantClient(gateway.httpUrl, tenants[0].key.key);
    return { oldSmsc, newSmsc, tenant, admin: gateway.admin() };
  }

  it('moves to the new SMSC under traffic: every message once, the later ones at the new SMSC', async () => {
    const run = randomUUID().slice(0, 8);
    // The old SMSC answers slowly, so the change finds submits in flight.
    const { oldSmsc, newSmsc, tenant, admin } = await start({ SMSC_SIM_RESPONSE_DELAY_MS: '100' });
    const ids: string[] = [];
    const texts: string[] = [];
    const send = async (label: string) => {
      const text = `${label} ${run} ${ids.length}`;
      const to = `${PREFIX}${String(100_000 + ids.length)}`;
      texts.push(text);
      ids.push(await tenant.send(to, text));
    };

    await send('before');
    await tenant.waitForStatus(ids[0], 'delivered');
    expect(await textsAt(oldSmsc, run)).toEqual([texts[0]]);

    const changed = moveCarrier(admin, newSmsc.port);
    let streamed = 0;
    while (streamed < MAX_STREAM && (await textsAt(newSmsc, run)).length === 0) {
      await send('during');
      streamed++;
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    expect((await changed).status).toBe(200);
    expect(streamed).toBeLessThan(MAX_STREAM);

    const firstAfter = ids.length;
    for (let i = 0; i < 10; i++) await send('after');

    for (const id of ids) await tenant.waitForStatus(id, 'delivered');
    const atOld = await textsAt(oldSmsc, run);
    const atNew = await textsAt(newSmsc, run);
    // Each text reached exactly one SMSC, exactly once.
    expect([...atOld, ...atNew].sort()).toEqual([...texts].sort());
    expect(atNew).toEqual(expect.arrayContaining(texts.slice(firstAfter)));
    expect(atOld.some((text) => text.startsWith('after'))).toBe(false);
  });

  it('serves a carrier added with its route while running: every message once, at its SMSC', async () => {
    const run = randomUUID().slice(0, 8);
    const { oldSmsc, newSmsc, tenant, admin } = await start();

    await addCarrier(admin, 'telco-b', newSmsc.port, NEW_PASSWORD_ENV);
    const rule = await admin.post('/routing/rules', {
      id: 'me-68',
      priority: 10,
      destinationPrefix: NEW_PREFIX,
      carrierId: 'telco-b',
    });
    expect(rule.status).toBe(201);

    // Routing and the connector each take the change up within about a second, in either
    // order: a message routed to telco-b before the connector consumes its topic waits for it.
    await probeUntilDelivered(tenant, run);
    const texts = await sendDelivered(tenant, `after ${run}`);
    expect((await textsAt(newSmsc, run)).filter((text) => text.startsWith('after')).sort()).toEqual(
      texts,
    );
    expect(await textsAt(oldSmsc, run)).toEqual([]);
  });

  it('fails over from a carrier added with settings its connector cannot use, losing nothing routed to it', async () => {
    const run = randomUUID().slice(0, 8);
    const { oldSmsc, newSmsc, tenant, admin } = await start();

    // Valid for the admin API, unusable for a bind: the password's variable is not set. The
    // group and its rule follow at once, so the first messages may be routed to telco-c before
    // its unhealthy report reaches routing: the connector hands those back to routing.
    await addCarrier(admin, 'telco-c', newSmsc.port, 'E2E_NOT_SET_ANYWHERE');
    const group = await admin.post('/routing/server-groups', {
      id: 'g-68',
      name: 'telco-c, then telco-a',
      strategy: 'failover',
      members: [
        { carrierId: 'telco-c', position: 0 },
        { carrierId: 'telco-a', position: 1 },
      ],
    });
    expect(group.status).toBe(201);
    const rule = await admin.post('/routing/rules', {
      id: 'me-68-group',
      priority: 10,
      destinationPrefix: NEW_PREFIX,
      serverGroupId: 'g-68',
    });
    expect(rule.status).toBe(201);

    // Every message is delivered through telco-a: failed over from telco-c's report, or handed
    // back by the connector when routed before it.
    await probeUntilDelivered(tenant, run);
    const texts = await sendDelivered(tenant, `failed over ${run}`);
    await waitFor('the connector to have refused telco-c', () =>
      /carrier telco-c: settings rejected, not taken up/.test(gateway?.process?.logs ?? '')
        ? true
        : undefined,
    );
    expect(
      (await textsAt(oldSmsc, run)).filter((text) => text.startsWith('failed over')).sort(),
    ).toEqual(texts);
    expect(await textsAt(newSmsc, run)).toEqual([]);

    // Restarted with telco-c still in the table as it is: the gateway boots all the same, without
    // telco-c, and fails over from it as before.
    await gateway?.stop();
    await gateway?.start();
    expect(gateway?.process?.logs).toContain(
      'smpp-connector holds telco-a; not taken up, settings rejected: telco-c',
    );
    const afterRestart = await sendDelivered(tenant, `after the restart ${run}`);
    expect(
      (await textsAt(oldSmsc, run)).filter((text) => text.startsWith('after the restart')).sort(),
    ).toEqual(afterRestart);
    expect(await textsAt(newSmsc, run)).toEqual([]);
  });
});

/** Adds an SMPP carrier through the admin API, its password by variable name. */
async function addCarrier(admin: AdminClient, id: string, port: number, passwordEnv: string) {
  const carrier = await admin.post('/carriers', {
    id,
    name: id,
    kind: 'smpp',
    config: {
      host: '127.0.0.1',
      port,
      systemId: 'tuxhat',
      password: { env: passwordEnv },
      windowSize: 20,
    },
  });
  expect(carrier.status).toBe(201);
}

/** Sends ten messages to NEW_PREFIX and waits until each is delivered; returns their texts, sorted. */
async function sendDelivered(tenant: TenantClient, label: string): Promise<string[]> {
  const texts = Array.from({ length: 10 }, (_, index) => `${label} ${index}`);
  const ids = await Promise.all(
    texts.map((text, index) => tenant.send(`${NEW_PREFIX}${200_000 + index}`, text)),
  );
  for (const id of ids) await tenant.waitForStatus(id, 'delivered');
  return [...texts].sort();
}

/**
 * Until routing has a new rule, a message to NEW_PREFIX ends failed (no route): sends probes
 * until one is delivered.
 */
async function probeUntilDelivered(tenant: TenantClient, run: string): Promise<void> {
  let probe = 0;
  await waitFor(
    'a message to the new route delivered',
    async () => {
      const id = await tenant.send(`${NEW_PREFIX}${100_000 + probe}`, `probe ${run} #${probe++}`);
      const view = await waitFor(`probe ${id} final`, async () => {
        const found = await tenant.get(`/v1/messages/${id}`);
        const status = String(found.body.status);
        return ['delivered', 'failed', 'rejected', 'undeliverable'].includes(status)
          ? status
          : undefined;
      });
      return view === 'delivered' ? true : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

/** PATCH the carrier's settings: the new SMSC's port, its password by variable name. */
function moveCarrier(admin: AdminClient, port: number) {
  return admin.patch('/carriers/telco-a', {
    config: {
      host: '127.0.0.1',
      port,
      systemId: 'tuxhat',
      password: { env: NEW_PASSWORD_ENV },
      windowSize: 20,
    },
  });
}

/** The texts of this run an SMSC received. */
async function textsAt(smsc: SimulatorProcess, run: string): Promise<string[]> {
  return (await smsc.submits())
    .map((submit) => submit.text)
    .filter((text) => text.includes(` ${run} `));
}
