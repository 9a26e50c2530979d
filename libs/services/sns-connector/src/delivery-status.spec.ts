import { deliveryReceiptOf, deliveryStatusLogGroups } from './delivery-status';
import type { SnsCarrier } from './sns-carrier.repository';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const WRITTEN_AT = Date.parse('2026-11-29T11:59:58.250Z');
const GROUP = 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber';

/** SMS delivery status records as AWS documents them. */
const SUCCESS = {
  notification: {
    messageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf',
    timestamp: '2026-11-29 11:59:57.558',
  },
  delivery: {
    phoneCarrier: 'My Phone Carrier',
    mnc: 270,
    destination: '+38267123456',
    priceInUSD: 0.00645,
    smsType: 'Transactional',
    mcc: 310,
    providerResponse: 'Message has been accepted by phone carrier',
    dwellTimeMs: 599,
    dwellTimeMsUntilDeviceAck: 1344,
  },
  status: 'SUCCESS',
};

function failure(providerResponse: string) {
  return {
    notification: {
      messageId: '1077257a-92f3-5ca3-bc97-6a915b310625',
      timestamp: '2026-11-29 11:59:57.559',
    },
    delivery: {
      mnc: 0,
      destination: '+38267123456',
      priceInUSD: 0.00645,
      smsType: 'Transactional',
      mcc: 0,
      providerResponse,
      dwellTimeMs: 1420,
    },
    status: 'FAILURE',
  };
}

function receiptOf(record: unknown, accountCarrierIds: readonly string[] = ['aws-a']) {
  const message = typeof record === 'string' ? record : JSON.stringify(record);
  return deliveryReceiptOf(
    'aws-a',
    GROUP,
    { message, timestamp: WRITTEN_AT },
    accountCarrierIds,
    NOW,
  );
}

describe(deliveryStatusLogGroups.name, () => {
  const carrier = (settings: Partial<SnsCarrier['settings']>): SnsCarrier => ({
    id: 'aws-a',
    name: 'AWS',
    settings: { region: 'eu-west-1', ...settings },
  });

  it("names the account's success and failure groups in the carrier's region", () => {
    expect(
      deliveryStatusLogGroups(carrier({ deliveryStatus: { accountId: '123456789012' } })),
    ).toEqual([GROUP, `${GROUP}/Failure`]);
  });

  it('names none for a carrier without deliveryStatus', () => {
    expect(deliveryStatusLogGroups(carrier({}))).toEqual([]);
  });
});

describe(deliveryReceiptOf.name, () => {
  it('turns SUCCESS into a delivered receipt for the MessageId Publish answered', () => {
    expect(receiptOf(SUCCESS)).toEqual({
      ok: true,
      event: {
        version: 1,
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        occurredAt: NOW.toISOString(),
        carrierId: 'aws-a',
        carrierMessageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf',
        state: 'delivered',
        rawState: 'SUCCESS',
        receivedAt: '2026-11-29T11:59:58.250Z',
      },
    });
  });

  it.each([
    ['Phone is currently unreachable/unavailable', 'undeliverable', 'PHONE_UNREACHABLE'],
    ['Phone carrier is currently unreachable/unavailable', 'undeliverable', 'CARRIER_UNREACHABLE'],
    ['Invalid phone number', 'undeliverable', 'INVALID_PHONE_NUMBER'],
    ['Unknown error attempting to reach phone', 'undeliverable', 'UNKNOWN_ERROR'],
    ['Phone number is opted out', 'rejected', 'OPTED_OUT'],
    ['Blocked as spam by phone carrier', 'rejected', 'BLOCKED_AS_SPAM'],
    ['Phone carrier has blocked this message', 'rejected', 'CARRIER_BLOCKED'],
    ['Phone has blocked SMS', 'rejected', 'PHONE_BLOCKED_SMS'],
    ['Phone is on a blocked list', 'rejected', 'PHONE_BLOCKED'],
    ['Destination is on a blocked list', 'rejected', 'DESTINATION_BLOCKED'],
    ['Message body is invalid', 'rejected', 'INVALID_MESSAGE_BODY'],
    ['This delivery would exceed max price', 'rejected', 'MAX_PRICE_EXCEEDED'],
  ])('turns FAILURE "%s" into %s with code %s', (response, state, code) => {
    expect(receiptOf(failure(response))).toEqual({
      ok: true,
      event: expect.objectContaining({
        carrierMessageId: '1077257a-92f3-5ca3-bc97-6a915b310625',
        state,
        rawState: 'FAILURE',
        errorCode: code,
      }),
    });
  });

  it('reads a reason in other case and blanks, and an unlisted one as undeliverable FAILURE', () => {
    const odd = receiptOf(failure('  PHONE NUMBER IS OPTED OUT '));
    expect(odd.ok && [odd.event.state, odd.event.errorCode]).toEqual(['rejected', 'OPTED_OUT']);
    const unlisted = receiptOf(failure('Something AWS says one day'));
    expect(unlisted.ok && [unlisted.event.state, unlisted.event.errorCode]).toEqual([
      'undeliverable',
      'FAILURE',
    ]);
  });

  it('gives a status read twice the same event id, and another message or group another', () => {
    const first = receiptOf(SUCCESS);
    const again = receiptOf(SUCCESS);
    const other = receiptOf({ ...SUCCESS, notification: { messageId: 'other-id' } });
    const otherGroup = deliveryReceiptOf(
      'aws-a',
      `${GROUP}/Failure`,
      { message: JSON.stringify(SUCCESS), timestamp: WRITTEN_AT },
      [],
      NOW,
    );
    const ids = [first, again, other, otherGroup].map(
      (mapped) => mapped.ok && mapped.event.eventId,
    );
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
  });

  it('names every carrier reading the account when there are several', () => {
    const shared = receiptOf(SUCCESS, ['aws-a', 'aws-b']);
    expect(shared.ok && shared.event.accountCarrierIds).toEqual(['aws-a', 'aws-b']);
    const alone = receiptOf(SUCCESS, ['aws-a']);
    expect(alone.ok && alone.event.accountCarrierIds).toBeUndefined();
  });

  it.each([
    ['not JSON', 'Hello from a Lambda'],
    ['no status', { notification: { messageId: 'x' } }],
    ['another status', { ...SUCCESS, status: 'PENDING' }],
    ['no message id', { ...SUCCESS, notification: {} }],
    ['a JSON array', [SUCCESS]],
  ])('refuses a log event that is not a delivery status (%s)', (_name, record) => {
    expect(receiptOf(record)).toEqual({
      ok: false,
      reason: expect.stringContaining('not an SMS delivery status'),
    });
  });

  it('refuses a message id longer than the receipt contract allows, saying which field', () => {
    const long = receiptOf({ ...SUCCESS, notification: { messageId: 'x'.repeat(66) } });
    expect(long).toEqual({ ok: false, reason: expect.stringContaining('carrierMessageId') });
  });
});
