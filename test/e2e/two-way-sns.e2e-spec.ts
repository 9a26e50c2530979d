import { randomInt, randomUUID } from 'node:crypto';

import type { GatewayProcess, SimulatorProcess } from '@tuxhat/system-harness';
import { InboundQueue, MotoServer, waitFor } from '@tuxhat/testing';

import { motoCarrierSettings, snsEndpoint, startGatewayForSns } from './support/sns-gateway';

/** The two-way number AWS gives the inbound SMS of. */
const TWO_WAY_NUMBER = '+18005550199';
/** Replies to senders under this prefix go out through the SNS carrier (a rule added below). */
const PREFIX = '+38269';

/**
 * Issue 5's "MO ... from the cloud provider where available", through the real system: AWS (moto)
 * publishes an inbound SMS of a two-way number to an SNS topic; the SQS queue subscribed to it is
 * the SNS carrier's `inbound` queue; the all-in-one gateway's sns-connector turns it into an MO,
 * the dlr routes it to the tenant's auto-reply handler for the number and keyword, and the reply
 * goes out through policy, routing and SNS Publish back to the sender.
 */
describe('two-way SMS over AWS (SNS topic, SQS queue, all-in-one gateway)', () => {
  let smsc: SimulatorProcess | undefined;
  let gateway: GatewayProcess | undefined;
  let inbound: InboundQueue | undefined;

  afterAll(async () => {
    inbound?.close();
    await gateway?.dispose('SIGKILL');
    await smsc?.stop('SIGKILL');
  });

  it('answers an inbound SMS with the auto-reply of its number and keyword, sent back over SNS', async () => {
    const endpoint = snsEndpoint();
    const moto = new MotoServer(endpoint);
    inbound = await InboundQueue.create(endpoint, `tuxhat-e2e-${randomUUID()}`);
    const started = await startGatewayForSns();
    ({ smsc, gateway } = started);
    const admin = gateway.admin();
    const created = [
      await admin.post('/carriers', {
        id: 'aws-two-way',
        name: 'AWS two-way number (moto)',
        kind: 'sns',
        config: motoCarrierSettings({
          inbound: { queueUrl: inbound.queueUrl, waitSeconds: 1 },
        }),
      }),
      await admin.post('/routing/rules', {
        id: 'replies-over-sns',
        priority: 10,
        destinationPrefix: PREFIX,
        carrierId: 'aws-two-way',
      }),
      await admin.post('/dlr/mo-handlers', {
        id: 'acme-balance',
        tenantId: 'acme',
        destination: TWO_WAY_NUMBER,
        keyword: 'BAL',
        kind: 'auto_reply',
        replyTemplate: 'Your balance is 42 EUR ({keyword})',
      }),
    ];
    expect(created.map((response) => response.status)).toEqual([201, 201, 201]);
    await started.restart();

    const sender = `${PREFIX}${String(randomInt(1e6)).padStart(6, '0')}`;
    await inbound.publishInbound({
      from: sender,
      to: TWO_WAY_NUMBER,
      text: 'bal please',
      inboundMessageId: randomUUID(),
    });
    const [reply] = await waitFor('the auto-reply at SNS', async () => {
      const sent = (await moto.smsMessages()).filter((sms) => sms.phone_number === sender);
      return sent.length > 0 ? sent : undefined;
    });
    expect(reply?.message).toBe('Your balance is 42 EUR (BAL)');
    await waitFor('the inbound SMS off the queue', async () =>
      (await inbound!.size()) === 0 ? true : undefined,
    );
  });
});
