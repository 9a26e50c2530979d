import {
  type DlrTriggerEvent,
  OPS_DLR_TRIGGERS,
  SMS_DLR_RAW,
  SMS_REROUTE,
  SMS_SENT,
  type SmsRerouteEvent,
} from '@tuxhat/contracts';

import { DlrHarness } from './support/dlr-harness';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

describe('dlr triggers', () => {
  const sut = new DlrHarness('triggers');
  const prisma = () => sut.db.database.prisma;

  beforeAll(() => sut.start());
  afterAll(() => sut.close());

  it("resends through the route's next carrier on an undeliverable receipt with a network error", async () => {
    await prisma().dlrTrigger.create({
      data: {
        id: sut.id('resend'),
        tenantId: sut.tenant,
        carrierId: sut.carrierA,
        states: ['undeliverable'],
        errorCodes: ['34'],
        action: 'reroute',
        description: 'network error: try the next carrier',
      },
    });
    await sut.configChanged();
    const id = await sut.message(sut.id('resend'), {
      body: 'Your code is 424242',
      clientReference: 'otp-1',
      priority: 'otp',
    });
    await sut.publish(SMS_SENT, sut.sent(id, ['aa01']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('AA01', 'undeliverable', { errorCode: '034' }));

    const [reroute] = await sut.reader.waitForValues<SmsRerouteEvent>(
      SMS_REROUTE.name,
      1,
      (event) => event.message.messageId === id,
    );
    expect(reroute).toMatchObject({
      carrierId: sut.carrierA,
      routeId: 'default',
      attempt: 1,
      triedCarriers: [sut.carrierA],
      errorCode: '034',
      source: `dlr-trigger:${sut.id('resend')}`,
      message: {
        messageId: id,
        tenantId: sut.tenant,
        destination: '+38267123456',
        text: 'Your code is 424242',
        clientReference: 'otp-1',
        priority: 'otp',
      },
    });
    // The carrier's verdict and the action are in the history; the message is not final.
    const [step] = await sut.waitForStatus(
      id,
      (event) => event.detail?.includes('resending') ?? false,
    );
    expect(step).toMatchObject({ status: 'sent', errorCode: '034', carrierId: sut.carrierA });
    expect(step.detail).toContain('UNDELIV err 034');
    expect(step.detail).toContain(
      `trigger ${sut.id('resend')}: resending through the route's next carrier`,
    );

    // Routing sends it through carrier B, which delivers it.
    await sut.publish(SMS_SENT, sut.sent(id, ['bb01'], sut.carrierB));
    await sut.publish(SMS_DLR_RAW, sut.receipt('bb01', 'delivered', { carrierId: sut.carrierB }));
    const [delivered] = await sut.waitForStatus(id, (event) => event.status === 'delivered');
    expect(delivered.carrierId).toBe(sut.carrierB);
    expect(sut.statuses(id).some((event) => event.status === 'undeliverable')).toBe(false);
    // Carrier B's receipt matches no reroute rule (the rule is for carrier A).
    expect(
      sut.reader.values<SmsRerouteEvent>(
        SMS_REROUTE.name,
        (event) => event.message.messageId === id,
      ),
    ).toHaveLength(1);
  });

  it('publishes to the ops topic and calls a signed operators webhook, each recorded in the history', async () => {
    const hook = new WebhookReceiver('ops-secret');
    const url = await hook.start();
    try {
      await prisma().dlrWebhookSecret.create({ data: { tenantId: '*', secret: 'ops-secret' } });
      await prisma().dlrTrigger.createMany({
        data: [
          {
            id: sut.id('ops'),
            tenantId: sut.tenant,
            states: ['rejected'],
            action: 'ops_topic',
            priority: 10,
          },
          {
            id: sut.id('hook'),
            states: ['rejected'],
            carrierId: sut.carrierA,
            action: 'webhook',
            url,
            priority: 20,
          },
        ],
      });
      await sut.configChanged();
      const id = await sut.message(sut.id('rejected'));
      await sut.publish(SMS_SENT, sut.sent(id, ['cc01']));
      await sut.publish(SMS_DLR_RAW, sut.receipt('cc01', 'rejected', { errorCode: '0B' }));

      const [final] = await sut.waitForStatus(id, (event) => event.status === 'rejected');
      expect(final.detail).toContain(
        `trigger ${sut.id('ops')}: published to ${OPS_DLR_TRIGGERS.name}`,
      );
      expect(final.detail).toContain(`trigger ${sut.id('hook')}: webhook queued`);
      const [ops] = await sut.reader.waitForValues<DlrTriggerEvent>(
        OPS_DLR_TRIGGERS.name,
        1,
        (event) => event.messageId === id,
      );
      expect(ops).toMatchObject({
        type: 'dlr.trigger',
        triggerId: sut.id('ops'),
        action: 'ops_topic',
        tenantId: sut.tenant,
        carrierId: sut.carrierA,
        state: 'rejected',
        rawState: 'REJECTD',
        errorCode: '0B',
      });
      await hook.waitUntil(() => hook.deliveredByEvent().size === 1, 'the trigger webhook');
      expect(hook.calls[0].signatureValid).toBe(true);
      expect(JSON.parse(hook.calls[0].body)).toMatchObject({
        triggerId: sut.id('hook'),
        action: 'webhook',
        messageId: id,
      });
    } finally {
      await hook.stop();
    }
  });
});
