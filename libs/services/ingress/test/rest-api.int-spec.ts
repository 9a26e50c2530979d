import { ClientProxy } from '@nestjs/microservices';
import { SMS_SUBMITTED } from '@tuxhat/contracts';
import type { Bus } from '@tuxhat/messaging';

import { waitFor } from '@tuxhat/testing';

import { IngressHarness, statusEvent } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

describe('ingress REST API', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_rest');
  });

  afterAll(async () => {
    await sut?.close();
  });

  afterAll(() => {
    // Whatever went wrong in these tests, no API key may ever reach the logs.
    const logs = sut.logger.text();
    for (const key of sut.allKeys) expect(logs).not.toContain(key);
  });

  describe('POST /v1/messages', () => {
    it('accepts a message: 202, the stored row with its history, and sms.submitted', async () => {
      const answer = await sut.submit({
        to: '+382 67 123 456',
        from: 'TuxHat',
        text: 'Your code is 123456',
        clientReference: 'order-42',
      });

      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/),
        status: 'accepted',
        encoding: 'gsm7',
        parts: 1,
      });
      const id = String(answer.body.id);

      const row = await sut.prisma.message.findUniqueOrThrow({
        where: { id },
        include: { statusEvents: true },
      });
      expect(row).toMatchObject({
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'TuxHat',
        body: 'Your code is 123456',
        encoding: 'gsm7',
        parts: 1,
        status: 'accepted',
        clientReference: 'order-42',
      });
      expect(row.statusEvents).toEqual([
        expect.objectContaining({
          status: 'accepted',
          detail: 'received via REST',
          source: 'ingress',
        }),
      ]);

      const [event] = await sut.submitted.waitFor(1, (item) => item.message.messageId === id);
      expect(event.message).toEqual({
        messageId: id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'TuxHat',
        text: 'Your code is 123456',
        encoding: 'gsm7',
        parts: 1,
        clientReference: 'order-42',
        acceptedAt: row.createdAt.toISOString(),
        priority: 'transactional',
      });
      expect(sut.submitted.records.find((record) => record.value?.includes(id))?.key).toBe('acme');
    });

    it('counts parts and picks UCS-2 exactly as the SMPP connector will send the text', async () => {
      const answer = await sut.submit({ ...VALID, text: 'Привет! '.repeat(20) });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ encoding: 'ucs2', parts: 3 });
    });

    it('writes concurrent submissions by group commit, every one of them', async () => {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, index) => sut.submit({ ...VALID, text: `burst ${index}` })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
      const ids = answers.map((answer) => String(answer.body.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(await sut.prisma.message.count({ where: { id: { in: ids } } })).toBe(ids.length);
      expect(await sut.prisma.messageStatusEvent.count({ where: { messageId: { in: ids } } })).toBe(
        ids.length,
      );
    });

    it.each([
      ['a missing Authorization header', null],
      ['an unknown key', 'thk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a malformed key', 'not-a-key'],
    ])('answers 401 unauthorized for %s', async (_case, key) => {
      const answer = await sut.submit(VALID, key);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 401, code: 'unauthorized' });
    });

    it('answers 401 for a revoked key, and for a known prefix with the wrong secret', async () => {
      expect((await sut.submit(VALID, sut.revokedKey.key)).body).toMatchObject({
        code: 'unauthorized',
      });
      const wrongSecret = `${sut.acme.key.prefix}_${'B'.repeat(43)}`;
      expect((await sut.submit(VALID, wrongSecret)).status).toBe(401);
      expect((await sut.request('GET', '/v1/messages/x', { key: 'Basic abc' })).status).toBe(401);
    });

    it('answers 400 malformed_json for a body that is not JSON', async () => {
      const answer = await sut.request('POST', '/v1/messages', { body: '{"to": "+382' });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toEqual({
        type: 'urn:tuxhat:problem:malformed_json',
        title: 'Malformed JSON',
        status: 400,
        code: 'malformed_json',
        detail: expect.any(String),
      });
    });

    it.each(['to', 'from', 'text'])('answers 400 field_required without %s', async (field) => {
      const body: Record<string, string> = { ...VALID };
      delete body[field];
      const answer = await sut.submit(body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field, code: 'field_required', message: expect.any(String) }],
      });
    });

    it.each([
      ['a number without +', { to: '38267123456' }, 'to', 'to_invalid'],
      ['an impossible number', { to: '+3821' }, 'to', 'to_invalid'],
      ['a sender id over 11 characters', { from: 'TuxHatBankingAlerts' }, 'from', 'from_invalid'],
      ['empty text', { text: '' }, 'text', 'text_empty'],
      ['text over the part limit', { text: 'x'.repeat(153 * 10 + 1) }, 'text', 'text_too_long'],
      ['an unknown field', { sender: 'TuxHat' }, 'sender', 'unknown_field'],
      ['an unknown priority', { priority: 'high' }, 'priority', 'priority_invalid'],
    ])('answers 400 validation_failed for %s', async (_case, change, field, code) => {
      const answer = await sut.submit({ ...VALID, ...change });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        type: 'urn:tuxhat:problem:validation_failed',
        status: 400,
        code: 'validation_failed',
        errors: [{ field, code }],
      });
    });

    it('reports every invalid field at once', async () => {
      const answer = await sut.submit({ to: 'nope', from: '', text: '', extra: 1 });
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'to', code: 'to_invalid' }),
          expect.objectContaining({ field: 'from', code: 'from_invalid' }),
          expect.objectContaining({ field: 'text', code: 'text_empty' }),
          expect.objectContaining({ field: 'extra', code: 'unknown_field' }),
        ]),
      );
    });

    it('answers 413 payload_too_large for a body over the limit', async () => {
      const answer = await sut.request('POST', '/v1/messages', {
        body: JSON.stringify({ ...VALID, text: 'x'.repeat(70_000) }),
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
      'answers 415 unsupported_media_type for %s',
      async (contentType) => {
        const answer = await sut.request('POST', '/v1/messages', {
          body: JSON.stringify(VALID),
          contentType,
        });
        expect(answer.status).toBe(415);
        expect(answer.body).toMatchObject({ status: 415, code: 'unsupported_media_type' });
      },
    );

    it('answers 415 for a request without a body', async () => {
      const answer = await sut.request('POST', '/v1/messages', { contentType: null });
      expect(answer.status).toBe(415);
      expect(answer.body).toMatchObject({ code: 'unsupported_media_type' });
    });
  });

  describe('GET /v1/messages/:id', () => {
    it('returns the message without its text, with its history', async () => {
      const id = String((await sut.submit({ ...VALID, clientReference: 'r-1' })).body.id);
      const answer = await sut.getMessage(id);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id,
        to: '+38267123456',
        from: 'TuxHat',
        status: 'accepted',
        statusDetail: null,
        encoding: 'gsm7',
        parts: 1,
        clientReference: 'r-1',
        priority: 'transactional',
        validUntil: null,
        scheduledAt: null,
        callbackUrl: null,
        metadata: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        statusErrorCode: null,
        history: [
          {
            status: 'accepted',
            at: expect.any(String),
            detail: 'received via REST',
            source: 'ingress',
            errorCode: null,
          },
        ],
      });
      expect(JSON.stringify(answer.body)).not.toContain(VALID.text);
    });

    it("shows a rejected message's machine-readable errorCode, at the top and in its history", async () => {
      const id = String((await sut.submit(VALID)).body.id);
      const detail = 'quota: 1000 messages a month, 1000 sent';
      sut.publishStatus([
        statusEvent(id, 'rejected', { source: 'policy', detail, errorCode: 'quota-exceeded' }),
      ]);
      const answer = await waitFor('the rejection to be projected', async () => {
        const current = await sut.getMessage(id);
        return current.body.status === 'rejected' ? current : undefined;
      });

      expect(answer.body).toMatchObject({
        status: 'rejected',
        statusDetail: detail,
        statusErrorCode: 'quota-exceeded',
        history: [
          { status: 'accepted', source: 'ingress', errorCode: null },
          { status: 'rejected', source: 'policy', detail, errorCode: 'quota-exceeded' },
        ],
      });
      // The listing has no history, but the code of the current status all the same.
      const page = await sut.list('status=rejected');
      expect(page.body.items).toContainEqual(
        expect.objectContaining({ id, statusErrorCode: 'quota-exceeded' }),
      );
    });

    it('answers 404 message_not_found for an unknown id', async () => {
      const answer = await sut.getMessage('msg_01JDZZZZZZZZZZZZZZZZZZZZZZ');
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ status: 404, code: 'message_not_found' });
    });

    it("answers 404, never 403, for another tenant's message", async () => {
      const id = String((await sut.submit(VALID)).body.id);
      const answer = await sut.getMessage(id, sut.other.key.key);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'message_not_found' });
      // Indistinguishable from an unknown id: the id itself is no oracle.
      const unknown = await sut.getMessage('msg_unknown', sut.other.key.key);
      expect({ ...answer.body, detail: null }).toEqual({ ...unknown.body, detail: null });
    });

    it('answers 401 without a key', async () => {
      expect((await sut.getMessage('msg_x', null)).status).toBe(401);
    });
  });

  it('answers 404 not_found as problem+json for an unknown route', async () => {
    const answer = await sut.request('GET', '/v2/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});

/** A bus client whose every emit fails, as a Kafka producer does when the brokers are gone. */
class UnreachableBusClient extends ClientProxy {
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  protected async dispatchEvent<T>(): Promise<T> {
    throw new Error('KafkaJSConnectionError: connection refused');
  }
  protected publish(): () => void {
    throw new Error('events only');
  }
  unwrap<T>(): T {
    throw new Error('nothing to unwrap');
  }
}

describe('ingress REST API when the bus refuses the event', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_bus_down', {}, (bus: Bus) => {
      jest.spyOn(bus, 'createClient').mockImplementation(() => new UnreachableBusClient());
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('answers 503 bus_unavailable and marks the stored message failed', async () => {
    const answer = await sut.submit(VALID);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 503, code: 'bus_unavailable' });

    const [row] = await sut.prisma.message.findMany({ include: { statusEvents: true } });
    expect(row.status).toBe('failed');
    expect(row.statusDetail).toBe('bus unavailable');
    expect(row.statusEvents.map((event) => [event.status, event.detail])).toEqual(
      expect.arrayContaining([
        ['accepted', 'received via REST'],
        ['failed', 'bus unavailable'],
      ]),
    );
    expect(sut.submitted.records.filter((record) => record.topic === SMS_SUBMITTED.name)).toEqual(
      [],
    );
  });
});
