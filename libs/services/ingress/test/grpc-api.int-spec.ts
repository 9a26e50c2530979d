import { type ServiceError, status } from '@grpc/grpc-js';
import { waitFor } from '@tuxhat/testing';

import { IngressHarness, statusEvent } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

/** The rejection of a gRPC call, with the code and trailer a tenant's client would read. */
async function rejection(call: Promise<unknown>): Promise<{
  code: number;
  errorCode: unknown;
  fieldErrors: unknown;
  details: string;
}> {
  try {
    await call;
  } catch (error) {
    const serviceError = error as ServiceError;
    return {
      code: serviceError.code,
      errorCode: serviceError.metadata.get('tuxhat-error-code')[0],
      fieldErrors: serviceError.metadata.get('tuxhat-field-errors')[0],
      details: serviceError.details,
    };
  }
  throw new Error('the call succeeded');
}

describe('ingress gRPC API (sms.v1.Messages)', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_grpc');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('listens on the port it reports', () => {
    expect(sut.ingress.grpcUrl).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(sut.ingress.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('submits like REST: stored, published, same answer', async () => {
    const reply = await sut.grpc().submit({ ...VALID, clientReference: 'grpc-1' });
    expect(reply).toEqual({
      id: expect.stringMatching(/^msg_/),
      status: 'accepted',
      encoding: 'gsm7',
      parts: 1,
    });
    const id = String(reply.id);
    const [event] = await sut.submitted.waitFor(1, (item) => item.message.messageId === id);
    expect(event.message).toMatchObject({
      tenantId: 'acme',
      destination: '+38267123456',
      clientReference: 'grpc-1',
    });
    const history = await sut.prisma.messageStatusEvent.findMany({ where: { messageId: id } });
    expect(history.map((row) => row.detail)).toEqual(['received via gRPC']);
  });

  it('gets a message with its history, and the same message over REST', async () => {
    const { id } = await sut.grpc().submit(VALID);
    sut.publishStatus([statusEvent(String(id), 'routed', { carrierId: 'sim', routeId: 'r1' })]);
    const client = sut.grpc();
    const message = await waitFor('the routed status to be projected', async () => {
      const current = await client.get(String(id));
      return current.status === 'routed' ? current : undefined;
    });

    expect(message).toEqual({
      id,
      to: '+38267123456',
      from: 'TuxHat',
      status: 'routed',
      encoding: 'gsm7',
      parts: 1,
      clientReference: '',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      history: [
        {
          status: 'accepted',
          at: expect.any(String),
          detail: 'received via gRPC',
          source: 'ingress',
        },
        { status: 'routed', at: expect.any(String), detail: '', source: 'test' },
      ],
    });
    const rest = await sut.getMessage(String(id));
    expect(rest.body).toMatchObject({ id, status: 'routed', clientReference: null });
  });

  it('answers UNAUTHENTICATED without a key or with a revoked one', async () => {
    for (const key of [null, sut.revokedKey.key, 'garbage']) {
      const error = await rejection(sut.grpc(key).submit(VALID));
      expect(error).toMatchObject({ code: status.UNAUTHENTICATED, errorCode: 'unauthorized' });
    }
  });

  it('answers INVALID_ARGUMENT with the field errors in the trailers', async () => {
    const error = await rejection(sut.grpc().submit({ ...VALID, to: '067123456', text: '' }));
    expect(error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      errorCode: 'validation_failed',
      fieldErrors: 'to=to_invalid,text=field_required',
    });
    expect(error.details).toContain('to:');
  });

  it('answers NOT_FOUND for an unknown id and for another tenant’s message', async () => {
    const { id } = await sut.grpc().submit(VALID);
    for (const [key, messageId] of [
      [sut.acme.key.key, 'msg_unknown'],
      [sut.other.key.key, String(id)],
    ]) {
      const error = await rejection(sut.grpc(key).get(messageId));
      expect(error).toMatchObject({ code: status.NOT_FOUND, errorCode: 'message_not_found' });
    }
  });
});
