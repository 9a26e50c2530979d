import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CommandStatus,
  EsmeClient,
  SmppBindError,
  SmppConnectError,
  SmppConnectionClosedError,
  SmppNotBoundError,
  SmppResponseTimeoutError,
  messageIdsMatch,
  splitMessage,
  type InboundDeliver,
  type SubmitSmParams,
  type UnboundEvent,
} from '@tuxhat/smpp';
import { seededRandom } from '@tuxhat/testing';
import { decideSubmitStatus } from './submit-outcome';
import { ACCOUNT, Harness, collect, deferred } from './testing/simulator-harness';

const ADDRESSES = {
  sourceAddr: 'TuxHat',
  sourceAddrTon: 5,
  destinationAddr: '447700900001',
  destAddrTon: 1,
  destAddrNpi: 1,
};

/** The submit_sm parts of a text with receipts requested. */
function mt(text: string, overrides: Partial<SubmitSmParams> = {}): SubmitSmParams[] {
  return splitMessage(text, { reference: 7 }).parts.map((part) => ({
    ...ADDRESSES,
    registeredDelivery: 1,
    shortMessage: part.shortMessage,
    esmClass: part.esmClass,
    dataCoding: part.dataCoding,
    ...overrides,
  }));
}

function single(text: string, overrides: Partial<SubmitSmParams> = {}): SubmitSmParams {
  const [part] = mt(text, overrides);
  if (!part || mt(text).length !== 1) throw new Error('expected a single-part text');
  return part;
}

/** Registers a deliver handler that stores every deliver and resolves once `count` arrived. */
function captureDelivers(client: EsmeClient, count: number): Promise<InboundDeliver[]> {
  const done = deferred<InboundDeliver[]>();
  const seen: InboundDeliver[] = [];
  client.on('deliver', async (deliver) => {
    seen.push(deliver);
    if (seen.length === count) done.resolve(seen);
  });
  return done.promise;
}

describe(EsmeClient.name, () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  describe('bind', () => {
    it('binds as transceiver by default and reports the SMSC system id', async () => {
      const { simulator, port } = await harness.simulator({ smscSystemId: 'CARRIER1' });
      const sut = harness.client(port);
      const bound = once(sut, 'bound');
      const simulatorBind = once(simulator, 'bind');

      await sut.connect();

      expect(sut.state).toBe('bound');
      expect((await bound)[0]).toEqual({
        bindType: 'transceiver',
        smscSystemId: 'CARRIER1',
        reconnected: false,
      });
      expect((await simulatorBind)[0]).toMatchObject({
        systemId: ACCOUNT.systemId,
        bindType: 'transceiver',
        commandStatus: 0,
      });
    });

    it.each(['transmitter', 'receiver'] as const)('binds as %s when asked', async (bindType) => {
      const { simulator, port } = await harness.simulator();
      const simulatorBind = once(simulator, 'bind');
      await harness.boundClient(port, { bindType });
      expect((await simulatorBind)[0]).toMatchObject({ bindType, commandStatus: 0 });
    });

    it('rejects with SmppBindError ESME_RINVPASWD for a wrong password and stays idle', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = harness.client(port, { password: 'wrong' });

      const error = await sut.connect().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SmppBindError);
      expect(error).toMatchObject({
        commandStatus: CommandStatus.ESME_RINVPASWD,
        code: 'SMPP_BIND_FAILED',
      });
      expect(sut.state).toBe('idle');
      expect(simulator.stats().boundSessions).toBe(0);
    });

    it('rejects with ESME_RBINDFAIL for an unknown system id', async () => {
      const { port } = await harness.simulator();
      await expect(harness.client(port, { systemId: 'nobody' }).connect()).rejects.toMatchObject({
        commandStatus: CommandStatus.ESME_RBINDFAIL,
      });
    });

    it('rejects with SmppConnectError when nothing listens', async () => {
      const { simulator, port } = await harness.simulator();
      await simulator.stop();
      await expect(harness.client(port).connect()).rejects.toBeInstanceOf(SmppConnectError);
    });

    it('refuses submits before it is bound', async () => {
      const { port } = await harness.simulator();
      await expect(harness.client(port).submitSm(single('hi'))).rejects.toBeInstanceOf(
        SmppNotBoundError,
      );
    });
  });

  describe('submit and receipts', () => {
    it('submit -> submit_sm_resp with a message id -> receipt through the deliver handler', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 1);

      const response = await sut.submitSm(single('Hello €uro'));

      expect(response).toMatchObject({ commandStatus: 0, messageId: expect.any(String) });
      expect(simulator.received()).toEqual([
        expect.objectContaining({
          messageId: response.messageId,
          systemId: ACCOUNT.systemId,
          sourceAddr: 'TuxHat',
          destinationAddr: '447700900001',
          text: 'Hello €uro',
          dataCoding: 0x00,
          esmClass: 0x00,
        }),
      ]);
      const [deliver] = await delivers;
      expect(deliver?.kind).toBe('receipt');
      if (deliver?.kind !== 'receipt') return;
      expect(deliver.receipt).toMatchObject({
        messageId: response.messageId,
        messageIdSource: 'tlv',
        state: 'delivered',
        stat: 'DELIVRD',
      });
      expect(deliver.receipt.text).toBe('Hello €uro');
      expect(deliver.pdu).toMatchObject({
        esmClass: 0x04,
        sourceAddr: '447700900001',
        destinationAddr: 'TuxHat',
      });
    });

    it('submits the parts of a long message in order, each with its own id and receipt', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 2);
      const text = 'A'.repeat(153) + 'B'.repeat(8);

      const outcomes = await sut.submit(...mt(text));

      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
      const ids = outcomes.map((outcome) => (outcome.ok ? outcome.response.messageId : undefined));
      expect(new Set(ids).size).toBe(2);
      expect(
        simulator.received().map((record) => [record.concat, record.esmClass, record.text]),
      ).toEqual([
        [{ reference: 7, total: 2, sequence: 1 }, 0x40, 'A'.repeat(153)],
        [{ reference: 7, total: 2, sequence: 2 }, 0x40, 'B'.repeat(8)],
      ]);
      const receiptIds = (await delivers).map((deliver) =>
        deliver.kind === 'receipt' ? deliver.receipt.messageId : undefined,
      );
      expect(receiptIds.sort()).toEqual([...ids].sort());
    });

    it('carries UCS-2 text with data_coding 0x08', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      await sut.submit(...mt('Привет 😀', { registeredDelivery: 0 }));
      expect(simulator.received()[0]).toMatchObject({ dataCoding: 0x08, text: 'Привет 😀' });
    });

    it('survives the receipt arriving before the submit_sm_resp, even when the handler waits for that response', async () => {
      const { simulator, port } = await harness.simulator({ receiptBeforeResponse: true });
      const sut = await harness.boundClient(port);
      const responseKnown = deferred<string | undefined>();
      const receiptId = deferred<string>();
      // Like a gateway that parks an early receipt until the submit_sm_resp names the message:
      // the client must keep reading PDUs while this handler is pending.
      sut.on('deliver', async (deliver) => {
        if (deliver.kind === 'receipt') receiptId.resolve(deliver.receipt.messageId);
        await responseKnown.promise;
      });
      const ack = once(simulator, 'deliverResp');

      const response = await sut.submitSm(single('race me'));
      responseKnown.resolve(response.messageId);

      expect(await receiptId.promise).toBe(response.messageId);
      expect((await ack)[0]).toMatchObject({ messageId: response.messageId, commandStatus: 0 });
    });

    it('sends deliver_sm_resp only after the handler promise resolves', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      const stored = deferred();
      const handlerCalled = deferred();
      sut.on('deliver', async () => {
        handlerCalled.resolve();
        await stored.promise;
      });
      let acked = false;
      simulator.on('deliverResp', () => {
        acked = true;
      });
      const ack = once(simulator, 'deliverResp');

      await sut.submitSm(single('first'));
      await handlerCalled.promise;
      // A full round trip on the same socket: an eager deliver_sm_resp would have reached the
      // simulator before this submit_sm did.
      await sut.submitSm(single('second', { registeredDelivery: 0 }));
      expect(acked).toBe(false);

      stored.resolve();
      expect((await ack)[0]).toMatchObject({
        kind: 'receipt',
        commandStatus: CommandStatus.ESME_ROK,
      });
    });

    it('answers ESME_RX_T_APPN when the handler rejects, and the SMSC redelivers', async () => {
      const { simulator, port } = await harness.simulator({ redeliveryDelayMs: 10 });
      const sut = await harness.boundClient(port);
      const seen: string[] = [];
      sut.on('deliver', async (deliver) => {
        seen.push(deliver.kind === 'receipt' ? deliver.receipt.messageId : deliver.kind);
        if (seen.length === 1) throw new Error('database down');
      });
      const failed = once(sut, 'deliverFailed');
      const acks = collect(simulator, 'deliverResp', 2);

      const response = await sut.submitSm(single('retry me'));

      expect((await acks).map((ack) => ack.commandStatus)).toEqual([
        CommandStatus.ESME_RX_T_APPN,
        CommandStatus.ESME_ROK,
      ]);
      expect(seen).toEqual([response.messageId, response.messageId]);
      expect((await failed)[0].error).toEqual(new Error('database down'));
      // Only the answer that took the receipt counts as acknowledged.
      expect(simulator.stats().receiptsAcknowledged).toBe(1);
    });

    it('honours registered_delivery: none, and failure-only per destination final state', async () => {
      const { port } = await harness.simulator({ finalStateByPrefix: { '4477009': 'UNDELIV' } });
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 1);

      await sut.submitSm(single('no receipt wanted', { registeredDelivery: 0 }));
      await sut.submitSm(
        single('delivered, failure-only', {
          registeredDelivery: 2,
          destinationAddr: '447711100000',
        }),
      );
      const failing = await sut.submitSm(
        single('undeliverable', { registeredDelivery: 2, destinationAddr: '447700900123' }),
      );

      // Receipts are scheduled in submit order with the same delay: had either earlier submit
      // earned one, it would be first.
      const [first] = await delivers;
      expect(first?.kind === 'receipt' && first.receipt).toMatchObject({
        messageId: failing.messageId,
        state: 'undeliverable',
        err: '001',
      });
    });

    it('stores receipts while no receiver is bound and delivers them when one binds', async () => {
      const { simulator, port } = await harness.simulator();
      const transmitter = await harness.boundClient(port, { bindType: 'transmitter' });
      const stored = once(simulator, 'receiptStored');
      const response = await transmitter.submitSm(single('for the receiver'));
      expect((await stored)[0]).toEqual({
        systemId: ACCOUNT.systemId,
        messageId: response.messageId,
      });
      expect(simulator.stats().storedReceipts).toBe(1);

      const receiver = harness.client(port, { bindType: 'receiver' });
      const delivers = captureDelivers(receiver, 1);
      await receiver.connect();

      const [deliver] = await delivers;
      expect(deliver?.kind === 'receipt' && deliver.receipt.messageId).toBe(response.messageId);
    });

    it('matches receipts whose text spells the hex id in decimal', async () => {
      const { port } = await harness.simulator({
        messageIdFormat: 'hex',
        receiptTextIdFormat: 'decimal',
      });
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 1);
      const response = await sut.submitSm(single('quirky carrier'));
      const [deliver] = await delivers;
      if (deliver?.kind !== 'receipt' || !response.messageId) throw new Error('expected a receipt');
      expect(response.messageId).toMatch(/^[0-9A-F]+$/);
      expect(deliver.receipt.textId).toBe(BigInt(`0x${response.messageId}`).toString(10));
      expect(messageIdsMatch(response.messageId, deliver.receipt.textId ?? '')).toBe(true);
    });

    it('leaves the id and state to a zero-filled receipt text when asked for no TLVs', async () => {
      const { port } = await harness.simulator({
        receiptTextIdFormat: 'padded',
        receiptTlvs: false,
      });
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 1);
      const response = await sut.submitSm(single('text only'));
      const [deliver] = await delivers;
      if (deliver?.kind !== 'receipt' || !response.messageId) throw new Error('expected a receipt');
      expect(deliver.pdu.receiptedMessageId).toBeUndefined();
      expect(deliver.pdu.messageState).toBeUndefined();
      expect(deliver.receipt).toMatchObject({
        messageIdSource: 'text',
        stateSource: 'text',
        messageId: response.messageId.padStart(20, '0'),
        state: 'delivered',
      });
    });

    it.each([
      ['decimal', /^\d+$/],
      ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
    ] as const)('spells message ids as %s', async (messageIdFormat, pattern) => {
      const { port } = await harness.simulator({ messageIdFormat });
      const sut = await harness.boundClient(port);
      expect(
        (await sut.submitSm(single('id please', { registeredDelivery: 0 }))).messageId,
      ).toMatch(pattern);
    });
  });

  describe('statuses', () => {
    it('answers ESME_RTHROTTLED without a message id or receipt when throttleRate is 1', async () => {
      const { simulator, port } = await harness.simulator({ throttleRate: 1 });
      const sut = await harness.boundClient(port);
      const response = await sut.submitSm(single('slow down'));
      expect(response).toMatchObject({
        commandStatus: CommandStatus.ESME_RTHROTTLED,
        messageId: undefined,
      });
      expect(simulator.received()[0]).toMatchObject({ commandStatus: 0x58, messageId: undefined });
    });

    it('answers the configured error status when errorRate is 1', async () => {
      const { port } = await harness.simulator({
        errorRate: 1,
        errorStatus: CommandStatus.ESME_RSUBMITFAIL,
      });
      const sut = await harness.boundClient(port);
      expect((await sut.submitSm(single('fail'))).commandStatus).toBe(0x45);
    });

    it('draws throttle/error/ok per submit at the configured rates', async () => {
      const rates = { throttleRate: 0.2, errorRate: 0.3, errorStatus: 0x45 };
      const { port } = await harness.simulator({ ...rates, random: seededRandom(42) });
      const sut = await harness.boundClient(port, { windowSize: 10 });
      const predict = seededRandom(42);
      const expected = Array.from({ length: 200 }, () => decideSubmitStatus(rates, predict));

      const outcomes = await sut.submit(
        ...Array.from({ length: 200 }, (_, i) => single(`m${i}`, { registeredDelivery: 0 })),
      );

      const statuses = outcomes.map((outcome) =>
        outcome.ok ? outcome.response.commandStatus : -1,
      );
      expect(statuses).toEqual(expected);
      const count = (status: number): number => statuses.filter((s) => s === status).length;
      expect(count(0x58)).toBeGreaterThan(20);
      expect(count(0x45)).toBeGreaterThan(35);
      expect(count(0)).toBeGreaterThan(70);
    });
  });

  describe('window and timeouts', () => {
    it('never has more than windowSize submits outstanding, and fills the window', async () => {
      const { simulator, port } = await harness.simulator({ responseDelayMs: 5 });
      const sut = await harness.boundClient(port, { windowSize: 4 });

      const outcomes = await sut.submit(
        ...Array.from({ length: 30 }, (_, i) => single(`w${i}`, { registeredDelivery: 0 })),
      );

      expect(outcomes.every((outcome) => outcome.ok && outcome.response.commandStatus === 0)).toBe(
        true,
      );
      expect(simulator.stats().maxOutstanding).toBe(4);
      expect(Math.max(...simulator.received().map((record) => record.outstanding))).toBe(4);
    });

    it('queues submits beyond the window until responses free slots, in order', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port, { windowSize: 3 });
      simulator.pauseResponses();
      const firstThree = collect(simulator, 'submit', 3);

      const all = sut.submit(
        ...Array.from({ length: 10 }, (_, i) => single(`q${i}`, { registeredDelivery: 0 })),
      );
      await firstThree;

      expect([sut.outstanding, sut.queued, simulator.stats().outstanding]).toEqual([3, 7, 3]);
      simulator.resumeResponses();
      const outcomes = await all;
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(10);
      expect(simulator.received().map((record) => record.text)).toEqual(
        Array.from({ length: 10 }, (_, i) => `q${i}`),
      );
      expect(simulator.stats().maxOutstanding).toBe(3);
      expect(sut.outstanding).toBe(0);
    });

    it('rejects a submit with SmppResponseTimeoutError, frees its slot and ignores the late response', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port, { windowSize: 1, responseTimeoutMs: 150 });
      simulator.pauseResponses();

      const error = await sut
        .submitSm(single('lost', { registeredDelivery: 0 }))
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SmppResponseTimeoutError);
      expect(error).toMatchObject({ command: 'submit_sm', sent: true, timeoutMs: 150 });
      expect(sut.outstanding).toBe(0);
      simulator.resumeResponses();
      const next = await sut.submitSm(single('after', { registeredDelivery: 0 }));
      expect(next.commandStatus).toBe(0);
      expect(sut.state).toBe('bound');
    });

    it('rejects outstanding submits (sent) and queued ones (not sent) when the SMSC goes away', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port, { windowSize: 1 });
      simulator.pauseResponses();
      const arrived = once(simulator, 'submit');
      const inFlight = sut
        .submitSm(single('in flight', { registeredDelivery: 0 }))
        .catch((caught: unknown) => caught);
      const queued = sut
        .submitSm(single('queued', { registeredDelivery: 0 }))
        .catch((caught: unknown) => caught);
      await arrived;

      await simulator.stop();

      expect(await inFlight).toBeInstanceOf(SmppConnectionClosedError);
      expect(await inFlight).toMatchObject({ sent: true, reason: 'peer-unbind' });
      expect(await queued).toMatchObject({ sent: false, reason: 'peer-unbind' });
    });
  });

  describe('reconnect', () => {
    it('reconnects with back-off after the SMSC stops and comes back on the same port', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port, {
        reconnect: { initialDelayMs: 20, maxDelayMs: 80, jitter: 0 },
      });
      const unbound = once(sut, 'unbound');
      const reconnecting: number[] = [];
      const thirdAttempt = deferred();
      sut.on('reconnecting', (event) => {
        reconnecting.push(event.delayMs);
        if (reconnecting.length === 3) thirdAttempt.resolve();
      });

      await simulator.stop();
      expect((await unbound)[0]).toEqual<UnboundEvent>({
        reason: 'peer-unbind',
        willReconnect: true,
      });
      await expect(sut.submitSm(single('down'))).rejects.toBeInstanceOf(SmppNotBoundError);
      await thirdAttempt.promise;
      expect(reconnecting.slice(0, 3)).toEqual([20, 40, 80]);

      const rebound = once(sut, 'bound');
      const restarted = await simulator.start();
      expect(restarted.port).toBe(port);
      expect((await rebound)[0]).toMatchObject({ reconnected: true });
      expect((await sut.submitSm(single('back'))).commandStatus).toBe(0);
    });
  });

  describe('TLS', () => {
    const fixture = (name: string): Buffer =>
      readFileSync(join(__dirname, 'testing', 'fixtures', name));

    it('binds and submits over TLS when the certificate is trusted', async () => {
      const cert = fixture('test-tls.cert.pem');
      const { simulator, port } = await harness.simulator({
        tls: { key: fixture('test-tls.key.pem'), cert },
      });
      const sut = await harness.boundClient(port, { tls: { ca: cert, servername: 'localhost' } });
      expect(
        (await sut.submitSm(single('over tls', { registeredDelivery: 0 }))).commandStatus,
      ).toBe(0);
      expect(simulator.received()[0]?.text).toBe('over tls');
    });

    it('refuses an untrusted certificate', async () => {
      const { port } = await harness.simulator({
        tls: { key: fixture('test-tls.key.pem'), cert: fixture('test-tls.cert.pem') },
      });
      await expect(
        harness.client(port, { tls: { servername: 'localhost' } }).connect(),
      ).rejects.toBeInstanceOf(SmppConnectError);
    });
  });

  describe('MO', () => {
    it('delivers an injected MO to the deliver handler', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 1);

      const result = await simulator.injectMo({ from: '+447700900123', to: '1234', text: 'BAL' });

      expect(result).toEqual({ systemId: ACCOUNT.systemId, parts: 1, commandStatuses: [0] });
      const [deliver] = await delivers;
      expect(deliver?.kind).toBe('mo');
      if (deliver?.kind !== 'mo') return;
      expect(deliver.mo).toMatchObject({
        sourceAddr: '447700900123',
        destinationAddr: '1234',
        text: 'BAL',
        dataCoding: 0,
        esmClass: 0,
      });
      expect(deliver.pdu).toMatchObject({ sourceAddrTon: 1, destAddrTon: 3 });
    });

    it('delivers a long UCS-2 MO as concatenated parts', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port);
      const delivers = captureDelivers(sut, 3);
      const text = 'Привет, мир! '.repeat(12);

      expect((await simulator.injectMo({ from: '447700900123', to: '1234', text })).parts).toBe(3);

      const parts = (await delivers).flatMap((deliver) =>
        deliver.kind === 'mo' ? [deliver.mo] : [],
      );
      expect(parts.map((part) => part.concat?.sequence)).toEqual([1, 2, 3]);
      expect(parts.every((part) => part.dataCoding === 0x08 && part.concat?.total === 3)).toBe(
        true,
      );
      expect(parts.map((part) => part.text).join('')).toBe(text);
    });
  });

  describe('close', () => {
    it('waits for outstanding responses, unbinds, and then refuses submits', async () => {
      const { simulator, port } = await harness.simulator({ responseDelayMs: 50 });
      const sut = await harness.boundClient(port);
      const unbound = once(sut, 'unbound');
      const simulatorUnbind = once(simulator, 'unbind');
      const arrived = collect(simulator, 'submit', 3);
      const submits = [1, 2, 3].map((i) =>
        sut.submitSm(single(`c${i}`, { registeredDelivery: 0 })),
      );
      await arrived;

      await sut.close();

      expect((await Promise.all(submits)).map((response) => response.commandStatus)).toEqual([
        0, 0, 0,
      ]);
      await simulatorUnbind;
      expect((await unbound)[0]).toEqual({ reason: 'client-close', willReconnect: false });
      expect(sut.state).toBe('closed');
      await expect(sut.submitSm(single('late'))).rejects.toBeInstanceOf(SmppNotBoundError);
    });

    it('bounds the wait: responses that never come are rejected as closed', async () => {
      const { simulator, port } = await harness.simulator();
      const sut = await harness.boundClient(port, { closeTimeoutMs: 200 });
      simulator.pauseResponses();
      const arrived = once(simulator, 'submit');
      const pending = sut
        .submitSm(single('never answered', { registeredDelivery: 0 }))
        .catch((caught: unknown) => caught);
      await arrived;

      const started = Date.now();
      await sut.close();

      expect(Date.now() - started).toBeLessThan(1_500);
      expect(await pending).toMatchObject({
        code: 'SMPP_CONNECTION_CLOSED',
        reason: 'client-close',
        sent: true,
      });
    });
  });
});
