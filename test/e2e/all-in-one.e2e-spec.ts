import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { type Database, createDatabase } from '@tuxhat/database';
import {
  type E2eTenant,
  GatewayProcess,
  SimulatorProcess,
  freePort,
  writeGatewayConfig,
} from '@tuxhat/system-harness';
import { waitFor } from '@tuxhat/testing';

import { TenantClient, statusesOf } from './support/tenant-client';

/** All-in-one mode (npm start): every service in one process, embedded PGlite, no Kafka. */
describe('all-in-one mode: one SMS through every service', () => {
  const run = randomUUID().slice(0, 6);
  let carrier: SimulatorProcess;
  let racingCarrier: SimulatorProcess;
  let gateway: GatewayProcess;
  let tenants: E2eTenant[];
  let acme: TenantClient;
  let other: TenantClient;

  beforeAll(async () => {
    carrier = await SimulatorProcess.create();
    racingCarrier = await SimulatorProcess.create({ SMSC_SIM_RECEIPT_BEFORE_RESPONSE: 'true' });
    await Promise.all([carrier.start(), racingCarrier.start()]);
    const config = writeGatewayConfig(
      ['acme', 'other'],
      [
        { id: 'sim', port: carrier.port, password: carrier.password, prefix: '+38267' },
        {
          id: 'race',
          port: racingCarrier.port,
          password: racingCarrier.password,
          prefix: '+38268',
        },
      ],
    );
    tenants = config.tenants;
    gateway = await GatewayProcess.create({ TUXHAT_CONFIG: config.file });
    await gateway.start();
    acme = new TenantClient(gateway.httpUrl, tenants[0].key.key, gateway.grpcAddress);
    other = new TenantClient(gateway.httpUrl, tenants[1].key.key, gateway.grpcAddress);
  });

  afterAll(async () => {
    acme?.close();
    other?.close();
    await gateway?.dispose();
    await Promise.all([carrier?.stop(), racingCarrier?.stop()]);
  });

  it('delivers a REST message with its full status history', async () => {
    const response = await acme.post('/v1/messages', {
      to: '+38267123456',
      from: 'TuxHat',
      text: `Your code is ${run}`,
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'accepted', encoding: 'gsm7', parts: 1 });
    const message = await acme.waitForStatus(String(response.body.id), 'delivered');
    // Accepted twice: by ingress (stored), then by policy (naming the rules that let it through).
    expect(statusesOf(message)).toEqual(['accepted', 'accepted', 'routed', 'sent', 'delivered']);
    expect(message.history.slice(0, 2).map((entry) => entry.source)).toEqual(['ingress', 'policy']);
    expect(
      (await carrier.submits()).filter((submit) => submit.text === `Your code is ${run}`),
    ).toHaveLength(1);
  });

  it('delivers a gRPC message and serves it over gRPC', async () => {
    const reply = await acme.grpcSubmit({
      to: '+38267123457',
      from: 'TuxHat',
      text: `gRPC ${run}`,
    });
    expect(reply).toMatchObject({ status: 'accepted' });
    await acme.waitForStatus(String(reply.id), 'delivered');
    expect(await acme.grpcGet(String(reply.id))).toMatchObject({
      id: reply.id,
      status: 'delivered',
    });
  });

  it('correlates a receipt that arrives before the submit_sm_resp', async () => {
    const id = await acme.send('+38268123456', `race ${run}`);
    const message = await acme.waitForStatus(id, 'delivered');
    expect(statusesOf(message)).toContain('sent');
    expect(statusesOf(message).at(-1)).toBe('delivered');
  });

  it("never shows one tenant another tenant's message", async () => {
    const id = await acme.send('+38267123458', `private ${run}`);
    const seen = await other.get(`/v1/messages/${id}`);
    expect(seen.status).toBe(404);
    expect(seen.body).toMatchObject({ code: 'message_not_found' });
  });
});

/** A gateway on embedded PGlite with one simulated carrier for +382, neither started yet. */
async function gatewayWithCarrier(env: Record<string, string> = {}) {
  const carrier = await SimulatorProcess.create();
  const { file, tenants } = writeGatewayConfig(
    ['acme'],
    [{ id: 'sim', port: carrier.port, password: carrier.password, prefix: '+382' }],
  );
  const gateway = await GatewayProcess.create({ TUXHAT_CONFIG: file, ...env });
  return { carrier, gateway, apiKey: tenants[0].key.key };
}

/** Reads the stopped gateway's embedded database. */
async function readDatabaseOf<T>(
  gateway: GatewayProcess,
  read: (prisma: Database['prisma']) => Promise<T>,
): Promise<T> {
  const database = await createDatabase({ pgliteDataDir: join(gateway.dataDir, 'pgdata') });
  try {
    return await read(database.prisma);
  } finally {
    await database.close();
  }
}

/** The accounting records of `ids`, read from the stopped gateway's embedded database. */
function accountingRecordsOf(gateway: GatewayProcess, ids: readonly string[]) {
  return readDatabaseOf(gateway, (prisma) =>
    prisma.accountingRecord.findMany({ where: { messageId: { in: [...ids] } } }),
  );
}

describe('all-in-one mode: a crash loses no accepted message', () => {
  it('sends every message accepted before a SIGKILL exactly once after the restart, with one accounting record each', async () => {
    const run = randomUUID().slice(0, 6);
    // The carrier is down while the messages are accepted, so none can leave before the crash.
    const { carrier, gateway, apiKey } = await gatewayWithCarrier();
    try {
      await gateway.start();
      const client = new TenantClient(gateway.httpUrl, apiKey);
      const texts = Array.from({ length: 20 }, (_, index) => `crash ${run} #${index}`);
      const ids = await Promise.all(
        texts.map((text, index) => client.send(`+3826712${String(index).padStart(4, '0')}`, text)),
      );
      for (const id of ids) {
        expect(['accepted', 'routed']).toContain(
          (await client.get(`/v1/messages/${id}`)).body.status,
        );
      }

      await gateway.stop('SIGKILL');
      await carrier.start();
      await gateway.start();
      for (const id of ids) await client.waitForStatus(id, 'delivered');

      const submitted = (await carrier.submits())
        .map((submit) => submit.text)
        .filter((text) => text.startsWith(`crash ${run}`));
      expect(submitted.sort()).toEqual([...texts].sort());

      expect(await gateway.stop('SIGTERM')).toBe(0);
      const records = await accountingRecordsOf(gateway, ids);
      expect(records).toHaveLength(ids.length);
      expect(new Set(records.map((record) => record.finalStatus))).toEqual(new Set(['delivered']));
    } finally {
      await gateway.dispose('SIGKILL');
      await carrier.stop();
    }
  });

  it('loses no receipt: one answered before a SIGKILL was stored, the others come again', async () => {
    const run = randomUUID().slice(0, 6);
    const { carrier, gateway, apiKey } = await gatewayWithCarrier();
    try {
      await Promise.all([carrier.start(), gateway.start()]);
      const client = new TenantClient(gateway.httpUrl, apiKey);
      const count = 1_000;
      const batch = await client.post('/v1/messages/batch', {
        messages: Array.from({ length: count }, (_, index) => ({
          to: `+3826713${String(index).padStart(4, '0')}`,
          from: 'TuxHat',
          text: `receipt ${run} #${index}`,
        })),
      });
      expect(batch.status).toBe(202);
      const ids = (batch.body.results as { id: string }[]).map((result) => result.id);
      expect(ids).toHaveLength(count);

      // Killed while receipts flow: the carrier is done with those answered ESME_ROK, and
      // redelivers the others once the gateway binds again.
      await waitFor(
        'a quarter of the receipts answered',
        async () => ((await carrier.receiptsAcknowledged()) >= count / 4 ? true : undefined),
        { intervalMs: 5 },
      );
      await gateway.stop('SIGKILL');
      expect(await carrier.receiptsAcknowledged()).toBeLessThan(count);

      await gateway.start();
      // An answered receipt whose outcome was only in memory would leave its message `sent`.
      for (const id of ids) await client.waitForStatus(id, 'delivered');
      expect(await gateway.stop('SIGTERM')).toBe(0);
      const records = await accountingRecordsOf(gateway, ids);
      expect(records).toHaveLength(count);
      expect(records.every((record) => record.finalStatus === 'delivered')).toBe(true);
    } finally {
      await gateway.dispose('SIGKILL');
      await carrier.stop();
    }
  }, 180_000);
});

describe('all-in-one mode: a burst beyond the in-memory backlog waits in the database', () => {
  it('parks what comes while the bus holds its limit, and sends every message exactly once', async () => {
    const run = randomUUID().slice(0, 6);
    // A limit the first batch alone exceeds: the next ones come while the pipeline is full.
    const { carrier, gateway, apiKey } = await gatewayWithCarrier({ BUS_BACKLOG_LIMIT: '10' });
    const batches = 8;
    const size = 100;
    try {
      await carrier.start();
      await gateway.start();
      const client = new TenantClient(gateway.httpUrl, apiKey);
      const texts: string[] = [];
      for (let batch = 0; batch < batches; batch++) {
        const messages = Array.from({ length: size }, (_, index) => {
          const text = `burst ${run} #${batch * size + index}`;
          texts.push(text);
          return {
            to: `+3826713${String(index).padStart(4, '0')}`,
            from: 'TuxHat',
            text,
            priority: 'bulk',
          };
        });
        const answer = await client.post('/v1/messages/batch', { messages });
        expect(answer.status).toBe(202);
      }

      const ours = async () =>
        (await carrier.submits())
          .map((submit) => submit.text)
          .filter((text) => text.startsWith(`burst ${run} `));
      await waitFor(
        'every message at the carrier',
        async () => ((await ours()).length >= texts.length ? true : undefined),
        { timeoutMs: 120_000 },
      );
      expect((await ours()).sort()).toEqual([...texts].sort());

      expect(await gateway.stop('SIGTERM')).toBe(0);
      const { parkedOnce, stillParked } = await readDatabaseOf(gateway, async (prisma) => ({
        parkedOnce: await prisma.messageStatusEvent.count({
          where: { detail: { contains: 'stored until the gateway has room' } },
        }),
        stillParked: await prisma.message.count({ where: { parkedAt: { not: null } } }),
      }));
      expect(parkedOnce).toBeGreaterThan(0);
      expect(stillParked).toBe(0);
    } finally {
      await gateway.dispose('SIGKILL');
      await carrier.stop();
    }
  }, 180_000);
});

describe('npm start (the built-in demo)', () => {
  it('prints the API and a demo API key that delivers through the built-in simulator, and keeps the key across restarts', async () => {
    const gateway = await GatewayProcess.create({ SIMULATOR_PORT: String(await freePort()) });
    try {
      const { banner, demoApiKey } = await gateway.start();
      expect(banner).toContain(`${gateway.httpUrl}/v1/messages`);
      expect(demoApiKey).toMatch(/^thk_[a-z0-9]{8}_/);
      const client = new TenantClient(gateway.httpUrl, demoApiKey!);
      const id = await client.send('+38267123456', 'Hello from the demo');
      await client.waitForStatus(id, 'delivered');

      await gateway.stop('SIGTERM');
      const again = await gateway.start();
      expect(again.demoApiKey).toBe(demoApiKey);
      await waitFor('the message to still be there', async () =>
        (await client.get(`/v1/messages/${id}`)).body?.status === 'delivered' ? true : undefined,
      );
    } finally {
      await gateway.dispose();
    }
  });
});

describe('the e2e harness', () => {
  it('starts a gateway on other ports when one of its own was taken since they were picked', async () => {
    const gateway = await GatewayProcess.create({ SIMULATOR_PORT: String(await freePort()) });
    const taken = gateway.httpPort;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
    try {
      await gateway.start();
      expect(gateway.httpPort).not.toBe(taken);
      expect((await fetch(`${gateway.httpUrl}/v1/messages/none`)).status).toBe(401);
    } finally {
      await gateway.dispose();
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
