import {
  SMS_DLR_RAW,
  SMS_SENT,
  type MessageStatus,
  type SmsDlrRawEvent,
  type SmsSentEvent,
  isFinalStatus,
} from '@tuxhat/contracts';
import type { ReceiptStat } from '@tuxhat/smpp';
import { waitFor } from '@tuxhat/testing';

import { CarrierPipeline, type CarrierSpec, type SentMessage } from './support/carrier-pipeline';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const GRACE_MS = 60_000;

/** What every simulated carrier reports, by destination (the default: DELIVRD). */
const DELIVERED_TO = '+38267123456';
const UNDELIVERABLE_TO = '+38269123456';
/** Only ever an ENROUTE receipt: the message waits for a final one that never comes. */
const NEVER_FINAL_TO = '+38268123456';
const FINAL_STATES: Record<string, ReceiptStat> = { '38269': 'UNDELIV', '38268': 'ENROUTE' };

const sim = (options: CarrierSpec['simulator']): CarrierSpec['simulator'] => ({
  deliveryDelayMs: 20,
  finalStateByPrefix: FINAL_STATES,
  ...options,
});

/** One simulator per carrier quirk the gateway must correlate through. */
const CARRIERS = {
  hex: { simulator: sim({ messageIdFormat: 'hex' }) },
  decimal: { simulator: sim({ messageIdFormat: 'decimal' }) },
  uuid: { simulator: sim({ messageIdFormat: 'uuid' }) },
  'tlv-vs-text': { simulator: sim({ messageIdFormat: 'hex', receiptTextIdFormat: 'decimal' }) },
  'text-decimal': {
    simulator: sim({ messageIdFormat: 'hex', receiptTextIdFormat: 'decimal', receiptTlvs: false }),
  },
  'text-padded': {
    simulator: sim({ messageIdFormat: 'hex', receiptTextIdFormat: 'padded', receiptTlvs: false }),
  },
  early: { simulator: sim({ receiptBeforeResponse: true, responseDelayMs: 300 }) },
  // data_sm (§4.7) instead of deliver_sm, id and state in the message_payload's text alone.
  'data-sm': { simulator: sim({ receiptCommand: 'data_sm', receiptTlvs: false }) },
  binds: {
    simulator: sim({}),
    binds: [
      { mode: 'transmitter', count: 1 },
      { mode: 'receiver', count: 2 },
    ],
  },
} satisfies Record<string, CarrierSpec>;
type CarrierName = keyof typeof CARRIERS;

/** The id as each carrier writes it in its receipts, from the one of its submit_sm_resp. */
const RECEIPT_ID: Partial<Record<CarrierName, (id: string) => string>> = {
  'text-decimal': (id) => BigInt(`0x${id}`).toString(10),
  'text-padded': (id) => id.padStart(20, '0'),
};

// The receipt path of cluster mode against real SMPP peers: the SMSC simulator over TCP, the
// SMPP connector, the dlr service and ingress' status projector, on Kafka and PostgreSQL. For
// each carrier quirk a receipt must reach the message whose submit it is about, and the message
// its final status exactly once in its history.
describe('carrier receipts over Kafka (simulator, connector, dlr, status projector)', () => {
  const sut = new CarrierPipeline(CARRIERS, {
    expiryStatus: 'expired',
    expiryGraceMs: GRACE_MS,
  });

  beforeAll(() => sut.start());
  afterAll(() => sut.close());

  /** The message's history has one final status, `status`, and the message shows it. */
  async function expectFinalOnce(message: SentMessage, status: MessageStatus) {
    const history = await sut.finalHistory(message);
    const finals = history.filter((event) => isFinalStatus(event.status));
    expect(finals.map((event) => event.status)).toEqual([status]);
    expect(await sut.projectedStatus(message)).toBe(status);
    return finals[0];
  }

  /**
   * The carrier's ids of the message's parts (submit_sm_resp) are the ones the dlr recorded for
   * it, and each part's receipt, under the id the receipt wrote, is stored on this message.
   */
  async function expectCorrelated(message: SentMessage, receiptId = (id: string) => id) {
    const carrierIds = sut.submitsOf(message).map((submit) => submit.messageId!);
    const keys = await sut.prisma.dlrCarrierKey.findMany({
      where: { messageId: message.id },
      orderBy: { partIndex: 'asc' },
    });
    expect(keys.map((key) => [key.partIndex, key.carrierMessageId])).toEqual(
      carrierIds.map((id, index) => [index, id]),
    );
    const receipts = await sut.prisma.dlrPartReceipt.findMany({
      where: { messageId: message.id },
      orderBy: { partIndex: 'asc' },
    });
    expect(receipts.map((receipt) => [receipt.partIndex, receipt.carrierMessageId])).toEqual(
      carrierIds.map((id, index) => [index, receiptId(id)]),
    );
    return receipts;
  }

  const QUIRKS: [string, CarrierName][] = [
    ['hex message ids', 'hex'],
    ['decimal message ids', 'decimal'],
    ['uuid message ids', 'uuid'],
    ['a hex id in the TLV and in decimal in the text', 'tlv-vs-text'],
    ['a hex id in submit_sm_resp, in decimal in a receipt text without TLVs', 'text-decimal'],
    ['an id zero-filled in a receipt text without TLVs', 'text-padded'],
    ['receipts sent before their submit_sm_resp', 'early'],
    ['receipts sent as data_sm, the text in message_payload', 'data-sm'],
    ['submissions on a transmitter bind, receipts on two receiver binds', 'binds'],
  ];

  it.each(QUIRKS)('correlates %s', async (_quirk, name) => {
    const [delivered, undeliverable] = await Promise.all([
      sut.send(name, 'ok', DELIVERED_TO),
      sut.send(name, 'undeliv', UNDELIVERABLE_TO),
    ]);
    const final = await expectFinalOnce(delivered, 'delivered');
    expect(final.source).toBe('dlr');
    const failed = await expectFinalOnce(undeliverable, 'undeliverable');
    expect(failed).toMatchObject({ source: 'dlr', errorCode: '001' });
    expect(failed.detail).toContain('UNDELIV err 001');

    const receiptId = RECEIPT_ID[name];
    const [ok] = await expectCorrelated(delivered, receiptId);
    expect(ok).toMatchObject({ state: 'delivered', rawState: 'DELIVRD' });
    const [undeliv] = await expectCorrelated(undeliverable, receiptId);
    expect(undeliv).toMatchObject({ state: 'undeliverable', rawState: 'UNDELIV' });
  });

  it('saw the receipts overtake their submit_sm_resp (early carrier)', async () => {
    // The quirk really happened: at the connector each receipt came before its message's sent.
    const carrier = sut.carrier('early');
    const messages = sut.sent.filter((sent) => sent.carrier === carrier);
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      const [submit] = sut.submitsOf(message);
      const [receipt] = await sut.reader.waitForValues<SmsDlrRawEvent>(
        SMS_DLR_RAW.name,
        1,
        (event) => event.carrierId === carrier.id && event.carrierMessageId === submit.messageId,
      );
      const [sent] = await sut.reader.waitForValues<SmsSentEvent>(
        SMS_SENT.name,
        1,
        (event) => event.messageId === message.id,
      );
      expect(Date.parse(receipt.receivedAt)).toBeLessThan(Date.parse(sent.occurredAt));
    }
  });

  it('answers receipts sent as data_sm with data_sm_resp ESME_ROK (data-sm carrier)', async () => {
    const message = await sut.send('data-sm', 'answered', DELIVERED_TO);
    await expectFinalOnce(message, 'delivered');
    const carrier = sut.carrier('data-sm');
    // Answered otherwise (generic_nack, an error status), the SMSC would keep each receipt and
    // send it again: the acknowledged count would never catch up with the receipts sent.
    await waitFor('every data_sm receipt acknowledged', () =>
      carrier.simulator.stats().receiptsAcknowledged === carrier.receipts.length ? true : undefined,
    );
    const [submit] = sut.submitsOf(message);
    expect(
      carrier.receipts.filter((receipt) => receipt.messageId === submit.messageId),
    ).toHaveLength(1);
  });

  it('saw the receipts come over other binds than the submissions (binds carrier)', () => {
    const carrier = sut.carrier('binds');
    const submits = carrier.simulator.received();
    expect(submits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(submits.map((submit) => submit.bindType))).toEqual(new Set(['transmitter']));
    const submitConnections = new Set(submits.map((submit) => submit.connectionId));
    const receiptConnections = carrier.receipts.map((receipt) => receipt.connectionId);
    expect(receiptConnections.some((id) => submitConnections.has(id))).toBe(false);
    // Round-robin over both receiver binds: the two messages' receipts came apart.
    expect(new Set(receiptConnections).size).toBe(2);
  });

  it('aggregates a long message whose parts are receipted one by one, before their responses', async () => {
    const long = 'Ваш платёж принят. Спасибо, что пользуетесь нашим банком! '.repeat(3);
    const [delivered, undeliverable] = await Promise.all([
      sut.send('early', 'long-ok', DELIVERED_TO, { text: long }),
      sut.send('early', 'long-undeliv', UNDELIVERABLE_TO, { text: long.slice(0, 100) }),
    ]);
    const final = await expectFinalOnce(delivered, 'delivered');
    expect(final.detail).toContain('all 3 parts DELIVRD');
    const parts = await expectCorrelated(delivered);
    expect(parts.map((part) => part.state)).toEqual(['delivered', 'delivered', 'delivered']);

    const failed = await expectFinalOnce(undeliverable, 'undeliverable');
    expect(failed.errorCode).toBe('001');
    const failedParts = await expectCorrelated(undeliverable);
    expect(failedParts.map((part) => part.rawState)).toEqual(['UNDELIV', 'UNDELIV']);
  });

  it('correlates receipts that reached Kafka while the dlr service was down, after its restart', async () => {
    await sut.stopDlr();
    const carrier = sut.carrier('hex');
    const message = await sut.send('hex', 'restart', DELIVERED_TO);
    // Both the carrier's answer and its receipt are on the broker before the dlr is back.
    await sut.reader.waitForValues<SmsSentEvent>(
      SMS_SENT.name,
      1,
      (event) => event.messageId === message.id,
    );
    const [submit] = sut.submitsOf(message);
    await sut.reader.waitForValues<SmsDlrRawEvent>(
      SMS_DLR_RAW.name,
      1,
      (event) => event.carrierId === carrier.id && event.carrierMessageId === submit.messageId,
    );
    expect(await sut.projectedStatus(message)).toBe('routed');
    await sut.startDlr();
    await expectFinalOnce(message, 'delivered');
    await expectCorrelated(message);
  });

  it('expires a message whose final receipt never comes, by its validity plus the grace (dlr clock)', async () => {
    const validUntil = new Date(sut.clock.now().getTime() + HOUR);
    const [waiting, answered] = await Promise.all([
      sut.send('decimal', 'expiry', NEVER_FINAL_TO, { validUntil }),
      sut.send('decimal', 'expiry-answered', DELIVERED_TO, { validUntil }),
    ]);
    await expectFinalOnce(answered, 'delivered');
    // The carrier's ENROUTE receipt is correlated and kept, but it is not final.
    const [enroute] = await sut.waitForPartReceipt(waiting);
    expect(enroute).toMatchObject({ state: 'enroute', rawState: 'ENROUTE' });
    expect(await sut.projectedStatus(waiting)).toBe('sent');

    sut.clock.advance(HOUR + GRACE_MS + 1_000);
    const final = await expectFinalOnce(waiting, 'expired');
    expect(final.source).toBe('dlr');
    expect(final.detail).toContain(`no final receipt from ${waiting.carrier.id}`);
    await expectCorrelated(waiting);
  });

  it('gave no message a second final status', async () => {
    // Looked at again last: a second final that came late (a redelivered receipt, a retry
    // round, an expiry sweep after a receipt) shows here.
    expect(sut.sent.length).toBeGreaterThanOrEqual(2 * QUIRKS.length + 5);
    for (const message of sut.sent) {
      const finals = (await sut.history(message)).filter((event) => isFinalStatus(event.status));
      expect({ message: message.id, finals: finals.length }).toEqual({
        message: message.id,
        finals: 1,
      });
    }
  });
});
