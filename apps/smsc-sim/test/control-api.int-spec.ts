import { once } from 'node:events';
import { EsmeClient, splitMessage, type InboundDeliver } from '@tuxhat/smpp';
import { startSmscSim, type RunningSmscSim } from '../src/bootstrap';
import { JsonLogger } from '../src/json-logger';
import { loadSmscSimConfig } from '../src/smsc-sim.config';
import { simulatorHarness } from '@tuxhat/smsc-simulator';

const { ACCOUNT, deferred } = simulatorHarness;

describe('smsc-sim daemon (bootstrap + control API)', () => {
  let running: RunningSmscSim;
  let client: EsmeClient;
  let lines: Array<Record<string, unknown>>;
  let base: string;

  beforeEach(async () => {
    lines = [];
    const logger = new JsonLogger((line) =>
      lines.push(JSON.parse(line) as Record<string, unknown>),
    );
    const config = loadSmscSimConfig({
      SMSC_SIM_PORT: '0',
      SMSC_SIM_CONTROL_PORT: '0',
      SMSC_SIM_ACCOUNTS: `${ACCOUNT.systemId}:${ACCOUNT.password}`,
      SMSC_SIM_DELIVERY_DELAY_MS: '5',
    });
    running = await startSmscSim(config, logger);
    base = `http://127.0.0.1:${running.controlPort}`;
    client = new EsmeClient({
      host: '127.0.0.1',
      port: running.smppPort,
      ...ACCOUNT,
      enquireLinkIntervalMs: 0,
      reconnect: false,
    });
  });

  afterEach(async () => {
    await client.close();
    await running.stop();
  });

  it('GET /health reports the SMPP port and counters', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      smppPort: running.smppPort,
      submits: 0,
      boundSessions: 0,
    });
  });

  it('GET /submits lists received submits with hex payloads', async () => {
    await client.connect();
    const [part] = splitMessage('hello', { reference: 1 }).parts;
    if (!part) throw new Error('no part');
    const response = await client.submitSm({
      sourceAddr: 'TuxHat',
      destinationAddr: '447700900001',
      ...part,
    });

    const submits = (await (await fetch(`${base}/submits`)).json()) as Array<
      Record<string, unknown>
    >;

    expect(submits).toEqual([
      expect.objectContaining({
        messageId: response.messageId,
        commandStatus: 0,
        text: 'hello',
        shortMessage: '68656c6c6f',
        destinationAddr: '447700900001',
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });

  it('POST /mo injects an MO to the bound receiver', async () => {
    const received = deferred<InboundDeliver>();
    client.on('deliver', async (deliver) => received.resolve(deliver));
    await client.connect();

    const response = await fetch(`${base}/mo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '447700900123', to: '1234', text: 'BAL' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      systemId: ACCOUNT.systemId,
      parts: 1,
      commandStatuses: [0],
    });
    expect(await received.promise).toMatchObject({
      kind: 'mo',
      mo: { sourceAddr: '447700900123', destinationAddr: '1234', text: 'BAL' },
    });
  });

  it.each([
    ['invalid JSON', 400, '{'],
    ['a missing field', 400, JSON.stringify({ from: '1', text: 'x' })],
    ['no receiver bound', 409, JSON.stringify({ from: '1', to: '2', text: 'x' })],
  ])('POST /mo: %s -> HTTP %i', async (_label, status, body) => {
    const response = await fetch(`${base}/mo`, { method: 'POST', body });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/submits`, { method: 'DELETE' })).status).toBe(405);
  });

  it('logs one JSON line per event, and stop() unbinds the ESME', async () => {
    await client.connect();
    const unbound = once(client, 'unbound');
    await running.stop();

    expect((await unbound)[0]).toMatchObject({ reason: 'peer-unbind' });
    const events = lines.map((line) => line['event']);
    expect(events).toEqual(
      expect.arrayContaining([
        'smpp.listening',
        'control.listening',
        'smpp.connect',
        'smpp.bind',
        'smpp.disconnect',
        'smpp.stopped',
      ]),
    );
    expect(lines.every((line) => typeof line['ts'] === 'string')).toBe(true);
    expect(lines.find((line) => line['event'] === 'smpp.bind')).toMatchObject({
      systemId: ACCOUNT.systemId,
      status: 'ESME_ROK',
    });
  });
});
