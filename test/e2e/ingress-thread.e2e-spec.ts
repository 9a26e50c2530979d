import { GatewayProcess, freePort } from '@tuxhat/system-harness';
import { type TestDatabase, createTestDatabase } from '@tuxhat/testing';

import { TenantClient, statusesOf } from './support/tenant-client';

/** All-in-one on PostgreSQL: ingress on its own worker thread, bridged to the main thread's bus. */
describe('all-in-one mode with ingress on a worker thread (INGRESS_THREAD=auto)', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let opsUrl: string;
  let banner: string;
  let client: TenantClient;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_ingress_thread');
    const opsPort = await freePort();
    opsUrl = `http://127.0.0.1:${opsPort}`;
    gateway = await GatewayProcess.create({
      DATABASE_URL: database.url,
      INGRESS_THREAD: 'auto',
      OPS_PORT: String(opsPort),
      SIMULATOR_PORT: String(await freePort()),
      SIMULATOR_DELIVERY_DELAY_MS: '0',
    });
    const started = await gateway.start();
    banner = started.banner;
    client = new TenantClient(gateway.httpUrl, started.demoApiKey!);
  });

  afterAll(async () => {
    await gateway?.dispose('SIGKILL');
    await database?.drop();
  });

  it('says so, delivers a REST message through the built-in simulator, and serves its status', async () => {
    expect(banner).toContain('Ingress   on its own worker thread');
    const id = await client.send('+38267123456', 'Hello from the ingress thread');
    const message = await client.waitForStatus(id, 'delivered', 15_000);
    expect(statusesOf(message)).toEqual(['accepted', 'accepted', 'routed', 'sent', 'delivered']);
  });

  it('shows the worker in /metrics and in readiness, and stops cleanly', async () => {
    const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/tuxhat_bus_published_total\{[^}]*thread="ingress"\} [1-9]/);
    expect(metrics).toMatch(/nodejs_eventloop_lag_seconds\{thread="ingress"\}/);

    const readiness = await fetch(`${opsUrl}/health/ready`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toMatchObject({
      checks: expect.arrayContaining([
        { name: 'ingress worker', ok: true, detail: expect.any(String) },
      ]) as unknown,
    });

    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});
