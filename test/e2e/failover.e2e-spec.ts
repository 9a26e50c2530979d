import { randomUUID } from 'node:crypto';

import {
  type AdminClient,
  GatewayProcess,
  type SimulatedSubmit,
  SimulatorProcess,
  writeGatewayConfig,
} from '@tuxhat/system-harness';
import { waitFor } from '@tuxhat/testing';

import { type MessageView, TenantClient, statusesOf } from './support/tenant-client';

/**
 * Issue 4: "failover when a carrier's simulator is stopped mid-run, with no message lost or
 * sent twice by the gateway", through the real system. The all-in-one gateway runs as its own
 * process with two SMPP carriers, each an smsc-sim process; an operator puts both behind a
 * server group through the admin API of the running gateway (hot reload, no restart); a tenant
 * sends a paced stream of messages and carrier A's simulator is stopped in the middle of it.
 * And "no message stranded when a carrier drops": with A the group's only carrier, messages sent
 * while it is down wait for it and go out once when it is back.
 */

/** 50 messages a second, sent without waiting for answers: a steady load, not a ping-pong. */
const PACE_MS = 20;
/** Carrier A is stopped once its simulator received this many messages of the stream... */
const A_RECEIVED_BEFORE_STOP = 80;
/** ...and the stream goes on for this many more (about 2.4 s), whatever the machine's load. */
const SENT_AFTER_STOP = 120;
/** A bound in case carrier A never gets its share (the test then fails on waiting for it). */
const MAX_MESSAGES = 400;
/** Submits a bind may hold unanswered (windowSize in writeGatewayConfig). */
const WINDOW = 20;
/** Carrier A answers every submit_sm this long after it arrives. */
const A_RESPONSE_DELAY_MS = 200;
/**
 * A submit A received this long before its /submits were read had its answer written well
 * before A stopped (the response delay plus ample room for a late timer): A acknowledged it.
 */
const SURELY_ANSWERED_MS = A_RESPONSE_DELAY_MS + 800;
/** Destinations under this prefix are routed by the rule the operator adds (no config route). */
const PREFIX = '+38269';
/** Time for A's bind loss to reach routing as a health report (it is published at once). */
const HEALTH_SETTLE_MS = 1_000;
const FINAL = new Set(['delivered', 'undeliverable', 'expired', 'failed', 'rejected', 'unknown']);

interface Journey {
  readonly run: string;
  readonly gateway: GatewayProcess;
  readonly carrierA: SimulatorProcess;
  readonly carrierB: SimulatorProcess;
  readonly tenant: TenantClient;
  readonly admin: AdminClient;
}

interface StreamMessage {
  readonly id: string;
  readonly text: string;
  /** When the tenant sent the request (ms since the epoch). */
  readonly issuedAt: number;
  /** Sent once carrier A was being stopped. */
  readonly afterStop: boolean;
}

interface StreamResult {
  /** The messages in the order they were accepted. */
  readonly sent: readonly StreamMessage[];
  /** How many the tenant sent (every one must have been accepted). */
  readonly issued: number;
  /** What carrier A had received just before it was stopped, read at aReadAt. */
  readonly aBeforeStop: readonly SimulatedSubmit[];
  readonly aReadAt: number;
  readonly stoppedAt: number;
}

describe('carriers and their outages, set up through the admin API of a running gateway', () => {
  let journey: Journey | undefined;

  afterEach(async () => {
    journey?.tenant.close();
    await journey?.gateway.dispose('SIGKILL');
    await Promise.all([journey?.carrierA.stop('SIGKILL'), journey?.carrierB.stop('SIGKILL')]);
    journey = undefined;
  });

  it('fails over to carrier B when carrier A is killed (SIGKILL) mid-run: every message delivered, none sent twice', async () => {
    journey = await startJourney();
    await routeThroughGroup(journey, 'failover', [
      { carrierId: 'telco-a', position: 0 },
      { carrierId: 'telco-b', position: 1 },
    ]);

    const stream = await sendStreamStoppingA(journey, 'SIGKILL');
    const outcome = await checkNothingLostOrSentTwice(journey, stream);

    // Ordered failover: B got nothing while A was up, and everything after A died.
    expect(
      outcome.bSubmits.filter((submit) => Date.parse(submit.receivedAt) < stream.stoppedAt),
    ).toEqual([]);
    expect(outcome.sentBy.get('telco-a')!.length).toBeGreaterThanOrEqual(
      A_RECEIVED_BEFORE_STOP - WINDOW,
    );
  });

  it('fails over when carrier A shuts down gracefully (SIGTERM, unbind) under a weighted group: every message delivered, none sent twice', async () => {
    journey = await startJourney();
    await routeThroughGroup(journey, 'weighted', [
      { carrierId: 'telco-a', position: 0, weight: 1 },
      { carrierId: 'telco-b', position: 0, weight: 1 },
    ]);

    const stream = await sendStreamStoppingA(journey, 'SIGTERM');
    const outcome = await checkNothingLostOrSentTwice(journey, stream);

    // Balanced while both were up: each carrier took a share of the first messages.
    const early = new Set(stream.sent.slice(0, 40).map((message) => message.id));
    for (const carrier of ['telco-a', 'telco-b']) {
      expect(outcome.sentBy.get(carrier)!.filter((id) => early.has(id)).length).toBeGreaterThan(5);
    }
  });

  it('holds the messages while the carrier is down and sends each once when it is back', async () => {
    // Looks for a carrier every 300 ms at first (5 s by default), backing off to 3.6 s.
    journey = await startJourney({ ROUTING_CARRIER_RETRY_MS: '300' });
    const { run, tenant, carrierA } = journey;
    await routeThroughGroup(journey, 'failover', [{ carrierId: 'telco-a', position: 0 }]);
    await carrierA.stop('SIGKILL');

    const texts = Array.from({ length: 20 }, (_, index) => `outage ${run} #${index}`);
    const ids = await Promise.all(
      texts.map((text, index) => tenant.send(`${PREFIX}${300_000 + index}`, text)),
    );
    // Each one tried telco-a (no bind up), found no other carrier, and waits: none failed.
    for (const id of ids) {
      const waiting = await waitFor(
        `${id} to wait for a carrier`,
        async () => {
          const view = (await tenant.get(`/v1/messages/${id}`)).body as MessageView;
          return view.history.some((entry) =>
            /waiting for a carrier until/.test(entry.detail ?? ''),
          )
            ? view
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect({ id, status: waiting.status }).toEqual({ id, status: 'routed' });
    }

    await carrierA.start();
    const views = await waitFor(
      'every held message to be delivered',
      async () => {
        const all = await Promise.all(
          ids.map(async (id) => (await tenant.get(`/v1/messages/${id}`)).body as MessageView),
        );
        return all.every((view) => FINAL.has(view.status)) ? all : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    expect(views.map((view) => view.status)).toEqual(ids.map(() => 'delivered'));
    for (const view of views) {
      // Waited once (recorded once), then sent once, to telco-a.
      const waits = view.history.filter((entry) =>
        /waiting for a carrier/.test(entry.detail ?? ''),
      );
      expect({ id: view.id, waits: waits.length }).toEqual({ id: view.id, waits: 1 });
      const sent = view.history.filter((entry) => entry.status === 'sent');
      expect({ id: view.id, sent: sent.map((entry) => entry.detail) }).toEqual({
        id: view.id,
        sent: [expect.stringMatching(/^carrier telco-a accepted 1 part\(s\): /)],
      });
      expect(
        view.history.find((entry) => /telco-a is healthy again/.test(entry.detail ?? '')),
      ).toBeDefined();
    }
    // The carrier got each text exactly once.
    const atA = countBy(
      (await carrierA.submits())
        .filter((submit) => submit.text.startsWith(`outage ${run} `))
        .map((submit) => submit.text),
    );
    expect(texts.map((text) => atA.get(text) ?? 0)).toEqual(texts.map(() => 1));
  });

  it('an SNS carrier no config file names carries messages once the gateway restarts', async () => {
    const endpoint = process.env['SNS_ENDPOINT'];
    if (!endpoint) throw new Error('SNS_ENDPOINT is not set: run the tests with `npm test`');
    journey = await startJourney({ E2E_SNS_KEY_ID: 'testing', E2E_SNS_SECRET: 'testing' });
    const { run, admin, gateway, tenant } = journey;
    const carrier = await admin.post('/carriers', {
      id: 'aws-sns',
      name: 'AWS SNS (moto)',
      kind: 'sns',
      config: {
        region: 'us-east-1',
        endpoint,
        accessKeyId: { env: 'E2E_SNS_KEY_ID' },
        secretAccessKey: { env: 'E2E_SNS_SECRET' },
      },
    });
    expect(carrier.status).toBe(201);
    await addPrefixRule(admin, 'me-69-sns', { carrierId: 'aws-sns' });

    // Carrier settings apply at a connector's start: the gateway's, here.
    await gateway.stop('SIGTERM');
    await gateway.start();
    const id = await tenant.send(`${PREFIX}400001`, `sns ${run}`);
    const sent = await tenant.waitForStatus(id, 'sent');
    expect(sent.history.find((entry) => entry.status === 'sent')?.detail).toMatch(
      /^carrier aws-sns accepted 1 part\(s\): \S+$/,
    );
  });
});

/** Two simulators, the gateway with both as carriers (routes for other prefixes only), a tenant. */
async function startJourney(gatewayEnv: Record<string, string> = {}): Promise<Journey> {
  const run = randomUUID().slice(0, 8);
  // A answers each submit_sm after 200 ms, so about ten are awaiting an answer when it stops;
  // it sends the receipt first, so no message it acknowledged waits for a receipt it never sends.
  const carrierA = await SimulatorProcess.create({
    SMSC_SIM_RESPONSE_DELAY_MS: String(A_RESPONSE_DELAY_MS),
    SMSC_SIM_RECEIPT_BEFORE_RESPONSE: 'true',
  });
  const carrierB = await SimulatorProcess.create();
  const { file, tenants } = writeGatewayConfig(
    ['acme'],
    [
      { id: 'telco-a', port: carrierA.port, password: carrierA.password, prefix: '+38267' },
      { id: 'telco-b', port: carrierB.port, password: carrierB.password, prefix: '+38268' },
    ],
  );
  // SIMULATOR=false: the carriers are the two simulators; no built-in one on port 2775.
  const gateway = await GatewayProcess.create({
    TUXHAT_CONFIG: file,
    SIMULATOR: 'false',
    ...gatewayEnv,
  });
  try {
    await Promise.all([carrierA.start(), carrierB.start()]);
    await gateway.start();
  } catch (error) {
    await gateway.dispose('SIGKILL');
    await Promise.all([carrierA.stop('SIGKILL'), carrierB.stop('SIGKILL')]);
    throw error;
  }
  return {
    run,
    gateway,
    carrierA,
    carrierB,
    tenant: new TenantClient(gateway.httpUrl, tenants[0].key.key),
    admin: gateway.admin(),
  };
}

/**
 * The operator's path: no route covers PREFIX at first (a message fails with no_route); a
 * server group over both carriers and a rule to it are created through the admin API, and the
 * running gateway routes the next messages through the group.
 */
async function routeThroughGroup(
  { run, tenant, admin }: Journey,
  strategy: 'failover' | 'weighted',
  members: readonly { carrierId: string; position: number; weight?: number }[],
): Promise<void> {
  const unrouted = await tenant.waitForStatus(
    await tenant.send(`${PREFIX}123400`, `before ${run}`),
    'failed',
  );
  expect(unrouted.history.at(-1)).toMatchObject({ status: 'failed', source: 'routing' });
  expect(String(unrouted.statusDetail)).toContain('no route matches');

  const group = await admin.post('/routing/server-groups', {
    id: 'uplinks',
    name: `Both uplinks (${strategy})`,
    strategy,
    members,
  });
  expect(group.status).toBe(201);
  await addPrefixRule(admin, 'me-69', { serverGroupId: 'uplinks' });

  // Applied without a restart (the config revision is polled every second).
  let probe = 0;
  const routed = await waitFor(
    'the new rule to route a message',
    async () => {
      const id = await tenant.send(`${PREFIX}123401`, `probe ${run} #${probe++}`);
      const message = await waitFor(`probe ${id} to end`, async () => {
        const { body } = await tenant.get(`/v1/messages/${id}`);
        return FINAL.has(String(body.status)) ? (body as MessageView) : undefined;
      });
      return message.status === 'delivered' ? message : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  expect(routed.history.find((entry) => entry.status === 'routed')?.detail).toContain(
    `rule me-69#10 -> group uplinks ${strategy} [`,
  );
}

/**
 * Sends a message every PACE_MS; stops carrier A's simulator (`signal`) once it received
 * A_RECEIVED_BEFORE_STOP of them, and sends SENT_AFTER_STOP more.
 */
async function sendStreamStoppingA(
  { run, tenant, carrierA }: Journey,
  signal: 'SIGKILL' | 'SIGTERM',
): Promise<StreamResult> {
  const sent: StreamMessage[] = [];
  const requests: Promise<void>[] = [];
  const failures: Error[] = [];
  const stop: { at?: number } = {};
  let sentAfterStop = 0;
  const aBaseline = await carrierA.submitCount();
  const sending = (async () => {
    for (let index = 0; sentAfterStop < SENT_AFTER_STOP && failures.length === 0; index++) {
      if (index === MAX_MESSAGES) throw new Error(`carrier A still up after ${index} messages`);
      const text = `stream ${run} #${index}`;
      const issuedAt = Date.now();
      const afterStop = stop.at !== undefined;
      if (afterStop) sentAfterStop++;
      requests.push(
        tenant.send(`${PREFIX}${200_000 + index}`, text).then(
          (id) => {
            sent.push({ id, text, issuedAt, afterStop });
          },
          (error: unknown) => {
            const when = afterStop ? 'after' : 'before';
            failures.push(
              new Error(`message #${index}, sent ${when} A was stopped`, { cause: error }),
            );
          },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    await Promise.all(requests);
    if (failures.length > 0) throw failures[0];
  })();
  sending.catch(() => undefined); // awaited below; this only keeps an early failure handled

  await waitFor(
    'carrier A to take its share of the stream',
    async () =>
      (await carrierA.submitCount()) - aBaseline >= A_RECEIVED_BEFORE_STOP ? true : undefined,
    { timeoutMs: 30_000, intervalMs: 20 },
  );
  const aReadAt = Date.now();
  const aBeforeStop = await carrierA.submits();
  stop.at = Date.now();
  await carrierA.stop(signal);
  await sending;
  return { sent, issued: requests.length, aBeforeStop, aReadAt, stoppedAt: stop.at };
}

/**
 * Every message ends delivered; each reached carrier B at most once; none that carrier A
 * acknowledged went to B; messages A held unanswered when it stopped were rerouted, and the
 * history says so.
 */
async function checkNothingLostOrSentTwice(
  { run, tenant, carrierB }: Journey,
  stream: StreamResult,
): Promise<{ sentBy: Map<string, string[]>; bSubmits: SimulatedSubmit[] }> {
  expect(stream.sent).toHaveLength(stream.issued);
  const ids = stream.sent.map((message) => message.id);

  const finals = await waitFor(
    'every message to reach a final state',
    async () => {
      const { body } = await tenant.get('/v1/messages?limit=500');
      const statuses = new Map(
        (body.items as { id: string; status: string }[]).map((item) => [item.id, item.status]),
      );
      return ids.every((id) => FINAL.has(statuses.get(id) ?? '')) ? statuses : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 250 },
  );
  const notDelivered = ids.filter((id) => finals.get(id) !== 'delivered');
  expect(notDelivered.map((id) => `${id}: ${finals.get(id)}`)).toEqual([]);

  const views = await Promise.all(
    ids.map(async (id) => (await tenant.get(`/v1/messages/${id}`)).body as MessageView),
  );
  const ours = (submits: SimulatedSubmit[]) =>
    submits.filter((submit) => submit.text.startsWith(`stream ${run} `));
  const bSubmits = ours(await carrierB.submits());
  const aBeforeStop = ours([...stream.aBeforeStop]);
  const countsAtB = countBy(bSubmits.map((submit) => submit.text));
  const aBeforeByText = new Map(aBeforeStop.map((submit) => [submit.text, submit]));
  const answeredByA = aBeforeStop.filter(
    (submit) => Date.parse(submit.receivedAt) < stream.aReadAt - SURELY_ANSWERED_MS,
  );
  expect(answeredByA.length).toBeGreaterThanOrEqual(5);

  // Carrier B never received a message twice; carrier A neither (before it stopped).
  expect([...countsAtB].filter(([, count]) => count > 1)).toEqual([]);
  expect([...countBy(aBeforeStop.map((submit) => submit.text))].filter(([, n]) => n > 1)).toEqual(
    [],
  );

  const sentBy = new Map<string, string[]>([
    ['telco-a', []],
    ['telco-b', []],
  ]);
  let rerouted = 0;
  stream.sent.forEach(({ id, text }, index) => {
    const view = views[index];
    const sentEntries = view.history.filter((entry) => entry.status === 'sent');
    // One acknowledgement per message: it was accepted by exactly one carrier.
    expect({ id, sent: sentEntries.length }).toEqual({ id, sent: 1 });
    const [, carrier, carrierMessageId] =
      /^carrier (telco-[ab]) accepted 1 part\(s\): (\S+)$/.exec(String(sentEntries[0].detail)) ??
      [];
    expect({ id, carrier }).toEqual({ id, carrier: expect.stringMatching(/^telco-[ab]$/) });
    sentBy.get(carrier)!.push(id);
    const reroutes = view.history.filter(
      (entry) => entry.status === 'routed' && /^reroute: telco-a/.test(String(entry.detail)),
    );
    if (reroutes.length > 0) rerouted++;

    if (carrier === 'telco-a') {
      // Acknowledged by A: it stays with A, B never gets it.
      expect({ text, atB: countsAtB.get(text) ?? 0 }).toEqual({ text, atB: 0 });
      const atA = aBeforeByText.get(text);
      if (atA) expect(atA.messageId).toBe(carrierMessageId);
    } else {
      expect({ text, atB: countsAtB.get(text) }).toEqual({ text, atB: 1 });
      expect(bSubmits.find((submit) => submit.text === text)?.messageId).toBe(carrierMessageId);
      // A had it but never answered (it stopped first): the gateway rerouted it, and says why.
      if (aBeforeByText.has(text)) {
        expect({ id, reroutes: reroutes.length }).toEqual({ id, reroutes: 1 });
        // (ingress and policy each record `accepted`)
        expect(statusesOf(view).filter((status) => status !== 'accepted')).toEqual([
          'routed',
          'routed',
          'sent',
          'delivered',
        ]);
        expect(reroutes[0].detail).toMatch(
          /^reroute: telco-a failed attempt 1 \(smpp-connector SMPP_(CONNECTION_CLOSED|NOT_BOUND|RESPONSE_TIMEOUT)\b.* => telco-b\b/,
        );
      }
    }
  });
  // What A acknowledged before it stopped stays with A: the gateway recorded A's id for it.
  const sentEntryOf = new Map(
    stream.sent.map(({ text }, index) => [
      text,
      views[index].history.find((entry) => entry.status === 'sent')?.detail,
    ]),
  );
  for (const submit of answeredByA) {
    expect({ text: submit.text, sent: sentEntryOf.get(submit.text) }).toEqual({
      text: submit.text,
      sent: `carrier telco-a accepted 1 part(s): ${submit.messageId}`,
    });
  }
  // Every message sent once in all: A's and B's acknowledgements cover the stream exactly.
  expect(sentBy.get('telco-a')!.length + sentBy.get('telco-b')!.length).toBe(stream.issued);
  // Messages sent after A stopped all went to B.
  const afterStop = stream.sent.filter((message) => message.afterStop);
  expect(afterStop).toHaveLength(SENT_AFTER_STOP);
  expect(afterStop.filter(({ id }) => sentBy.get('telco-a')!.includes(id))).toEqual([]);
  // Once the connector reported A down, routing skipped it at once: no detour through A.
  const settled = stream.sent.flatMap(({ issuedAt }, index) =>
    issuedAt > stream.stoppedAt + HEALTH_SETTLE_MS ? [views[index]] : [],
  );
  expect(settled.length).toBeGreaterThan(SENT_AFTER_STOP / 4);
  for (const view of settled) {
    const decisions = view.history.filter((entry) => entry.status === 'routed');
    expect({ id: view.id, decisions: decisions.map((entry) => entry.detail) }).toEqual({
      id: view.id,
      decisions: [expect.stringMatching(/\btelco-a unhealthy down\b.* => telco-b\b/)],
    });
  }
  // Some messages were in A's hands, unanswered, when it stopped: the failover moved them.
  expect(rerouted).toBeGreaterThan(0);
  return { sentBy, bSubmits };
}

/** A rule (priority 10) that routes PREFIX to the target, through the admin API. */
async function addPrefixRule(
  admin: AdminClient,
  id: string,
  target: { carrierId: string } | { serverGroupId: string },
): Promise<void> {
  const rule = await admin.post('/routing/rules', {
    id,
    priority: 10,
    destinationPrefix: PREFIX,
    ...target,
  });
  expect(rule.status).toBe(201);
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
