import {
  DEAD_LETTER,
  type DeadLetterEvent,
  SMS_DLR_RAW,
  SMS_SENT,
  retryTopicFor,
} from '@tuxhat/contracts';

import { CorrelationRepository } from '../src/correlation/correlation.repository';
import { ReceiptConsumer } from '../src/receipts/receipt.consumer';
import { DlrHarness } from './support/dlr-harness';

jest.setTimeout(120_000);

// Every carrier quirk of receipt correlation, on the real broker and PostgreSQL: the
// connector's events go in on sms.sent / sms.dlr.raw, the statuses come out on sms.status.
describe('dlr receipt correlation', () => {
  const sut = new DlrHarness('correlation', {
    retryPolicy: { maxAttempts: 4, backoffMs: [300, 600] },
  });

  beforeAll(() => sut.start());
  afterAll(() => sut.close());

  it('matches a receipt that writes the hex id of submit_sm_resp in decimal', async () => {
    const id = await sut.message(sut.id('hex'));
    await sut.publish(SMS_SENT, sut.sent(id, ['0A1B']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('2587', 'undeliverable'));
    const [final] = await sut.waitForStatus(id, (event) => event.status === 'undeliverable');
    expect(final).toMatchObject({
      tenantId: sut.tenant,
      carrierId: sut.carrierA,
      errorCode: '001',
      source: 'dlr',
    });
    expect(final.detail).toContain('UNDELIV err 001');
  });

  it('matches zero-padded and differently cased ids', async () => {
    const padded = await sut.message(sut.id('padded'));
    const cased = await sut.message(sut.id('cased'));
    await sut.publish(SMS_SENT, sut.sent(padded, ['000123']));
    await sut.publish(SMS_SENT, sut.sent(cased, ['AbC-77']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('123'));
    await sut.publish(SMS_DLR_RAW, sut.receipt(' abc-77 '));
    await sut.waitForStatus(padded, (event) => event.status === 'delivered');
    await sut.waitForStatus(cased, (event) => event.status === 'delivered');
  });

  it('prefers the same spelling over a hex/decimal reading, and the latest of reused ids', async () => {
    // "2587" is both a decimal id and hex for 9607; "0A1B" is 2587 read as hex.
    const hex = await sut.message(sut.id('reading-hex'));
    const decimal = await sut.message(sut.id('reading-decimal'));
    await sut.publish(SMS_SENT, sut.sent(hex, ['FF0A1B']));
    await sut.publish(SMS_SENT, sut.sent(decimal, [String(0xff0a1b)]));
    await sut.waitForStatus(decimal, (event) => event.status === 'sent');
    await sut.waitForStatus(hex, (event) => event.status === 'sent');
    await sut.publish(SMS_DLR_RAW, sut.receipt(String(0xff0a1b)));
    await sut.waitForStatus(decimal, (event) => event.status === 'delivered');
    expect(sut.statuses(hex).map((event) => event.status)).toEqual(['sent']);

    // The carrier reuses an id much later: the receipt is for the newer message.
    const older = await sut.message(sut.id('reuse-old'));
    const newer = await sut.message(sut.id('reuse-new'));
    await sut.publish(SMS_SENT, sut.sent(older, ['reused-1']));
    await sut.waitForStatus(older, (event) => event.status === 'sent');
    await sut.publish(SMS_SENT, sut.sent(newer, ['reused-1']));
    await sut.waitForStatus(newer, (event) => event.status === 'sent');
    await sut.publish(SMS_DLR_RAW, sut.receipt('REUSED-1', 'expired'));
    await sut.waitForStatus(newer, (event) => event.status === 'expired');
    expect(sut.statuses(older).map((event) => event.status)).toEqual(['sent']);
  });

  it('matches a receipt that arrived before the submit_sm_resp once the carrier id is recorded', async () => {
    const id = await sut.message(sut.id('early'));
    const receipt = sut.receipt('ee01');
    await sut.publish(SMS_DLR_RAW, receipt);
    // The receipt goes round the durable retry topic before its sms.sent arrives.
    await sut.reader.waitForValues<{ eventId: string }>(
      retryTopicFor(sut.group),
      1,
      (event) => event.eventId === receipt.eventId,
    );
    await sut.publish(SMS_SENT, sut.sent(id, ['EE01']));
    const [delivered] = await sut.waitForStatus(id, (event) => event.status === 'delivered');
    expect(delivered.carrierId).toBe(sut.carrierA);
  });

  it('matches a receipt that races its sms.sent being recorded, without the retry topic', async () => {
    // On Kafka a message's sms.sent and its receipt come on different partitions, handled at
    // the same time. Made deterministic here: a transaction holding the message's deadline row
    // keeps the sms.sent statement waiting (in flight) until the receipt has missed once.
    const id = await sut.message(sut.id('race'));
    const consumer = sut.get(ReceiptConsumer);
    const correlations = sut.get(CorrelationRepository);
    const recordReceipts = correlations.recordReceipts.bind(correlations);
    const lookups = jest.spyOn(correlations, 'recordReceipts');
    const firstLookup = new Promise<void>((resolve) => {
      lookups.mockImplementationOnce(async (receipts) => {
        try {
          return await recordReceipts(receipts);
        } finally {
          resolve();
        }
      });
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = sut.db.database.prisma
      .$transaction(
        async (tx) => {
          await tx.$executeRaw`
            INSERT INTO dlr_deadlines (message_id, tenant_id, carrier_id, route_id, part_count, expires_at)
            VALUES (${id}, ${sut.tenant}, ${sut.carrierA}, 'held', 1, now())`;
          holding();
          await released;
          throw new Error('rolled back on purpose');
        },
        { timeout: 60_000 },
      )
      .catch((error: unknown) => {
        if (!String(error).includes('rolled back on purpose')) throw error;
      });
    await held;

    const sent = consumer.onSent([sut.sent(id, ['race-0001'])]);
    const receipt = consumer.onReceipt([sut.receipt('race-0001')]);
    await firstLookup; // missed: the carrier id is not committed yet
    release();
    const [receiptOutcome, sentOutcome] = await Promise.all([receipt, sent, holder]);
    expect(sentOutcome.failures.size).toBe(0);
    expect(receiptOutcome.failures.size).toBe(0);
    lookups.mockRestore();
    await sut.waitForStatus(id, (event) => event.status === 'delivered');
  });

  it('matches receipts that come in over another bind than the submission, interleaved', async () => {
    // Two binds of one carrier: submissions on bind 1 and 2, receipts in the opposite order
    // and through the other bind. Correlation is by carrier, never by bind.
    const first = await sut.message(sut.id('bind-1'));
    const second = await sut.message(sut.id('bind-2'));
    await Promise.all([
      sut.publish(SMS_SENT, sut.sent(first, ['b1-0001'])),
      sut.publish(SMS_SENT, sut.sent(second, ['b2-0001'])),
    ]);
    await Promise.all([
      sut.publish(SMS_DLR_RAW, sut.receipt('b2-0001', 'rejected')),
      sut.publish(SMS_DLR_RAW, sut.receipt('b1-0001', 'delivered')),
    ]);
    await sut.waitForStatus(first, (event) => event.status === 'delivered');
    await sut.waitForStatus(second, (event) => event.status === 'rejected');
  });

  it("matches a receipt that came on another carrier's bind of the same SMSC account, never another account's", async () => {
    // telco-a and telco-b bind one SMSC account: the SMSC delivers a receipt on any bind of
    // it. A carrier on another account that reuses the id is not a candidate.
    const shared = await sut.message(sut.id('shared-account'));
    const elsewhere = await sut.message(sut.id('other-account'));
    await sut.publish(SMS_SENT, sut.sent(shared, ['5a5a01']));
    await sut.publish(SMS_SENT, sut.sent(elsewhere, ['5a5a02'], sut.carrierB));
    await sut.waitForStatus(shared, (event) => event.status === 'sent');
    await sut.waitForStatus(elsewhere, (event) => event.status === 'sent');
    const accountCarrierIds = [sut.carrierA, sut.carrierB].sort();
    await sut.publish(
      SMS_DLR_RAW,
      sut.receipt('5A5A01', 'delivered', { carrierId: sut.carrierB, accountCarrierIds }),
    );
    const [final] = await sut.waitForStatus(shared, (event) => event.status === 'delivered');
    // The message's carrier, not the bind's.
    expect(final).toMatchObject({ carrierId: sut.carrierA });
    expect(final.detail).toContain(`receipt from ${sut.carrierA}`);

    // Without the account's carriers, a receipt on telco-a's bind names telco-a only.
    const alone = sut.receipt('5a5a02');
    await sut.publish(SMS_DLR_RAW, alone);
    const [deadLetter] = await sut.reader.waitForValues<DeadLetterEvent>(
      DEAD_LETTER.name,
      1,
      (event) => event.consumerGroup === sut.group && event.payload.includes(alone.eventId),
    );
    expect(deadLetter.reason).toContain(`no message for carrier ${sut.carrierA} id 5a5a02`);
    expect(sut.statuses(elsewhere).map((event) => event.status)).toEqual(['sent']);
  });

  it('matches a receipt that arrives while the service is down, after its restart', async () => {
    const id = await sut.message(sut.id('restart'));
    await sut.publish(SMS_SENT, sut.sent(id, ['cafe01']));
    await sut.waitForStatus(id, (event) => event.status === 'sent');
    await sut.stopService();
    await sut.publish(SMS_DLR_RAW, sut.receipt('CAFE01'));
    await sut.startService();
    await sut.waitForStatus(id, (event) => event.status === 'delivered');
  });

  it('gives a replayed receipt the same status event id, so the history records it once', async () => {
    const id = await sut.message(sut.id('replay'));
    await sut.publish(SMS_SENT, sut.sent(id, ['ef56']));
    await sut.waitForStatus(id, (event) => event.status === 'sent');
    const once = sut.receipt('ef56');
    await sut.publish(SMS_DLR_RAW, once);
    await sut.waitForStatus(id, (event) => event.status === 'delivered');
    await sut.publish(SMS_DLR_RAW, once); // Kafka redelivers it (a crash before the commit)
    const finals = await sut.waitForStatus(id, (event) => event.status === 'delivered', 2);
    expect(new Set(finals.map((event) => event.eventId)).size).toBe(1);
    expect(await sut.db.database.prisma.dlrPartReceipt.count({ where: { messageId: id } })).toBe(1);
  });

  it('retries an unmatched receipt on the durable schedule, then dead-letters it with the reason', async () => {
    const receipt = sut.receipt(`never-sent-${sut.run}`);
    await sut.publish(SMS_DLR_RAW, receipt);
    const [deadLetter] = await sut.reader.waitForValues<DeadLetterEvent>(
      DEAD_LETTER.name,
      1,
      (event) => event.consumerGroup === sut.group && event.payload.includes(receipt.eventId),
    );
    expect(deadLetter).toMatchObject({ originalTopic: SMS_DLR_RAW.name, attempts: 4 });
    expect(deadLetter.reason).toContain(
      `no message for carrier ${sut.carrierA} id never-sent-${sut.run}`,
    );
    expect(JSON.parse(deadLetter.payload)).toMatchObject({ eventId: receipt.eventId });
  });
});
