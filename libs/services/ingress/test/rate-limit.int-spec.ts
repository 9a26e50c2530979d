import { status } from '@grpc/grpc-js';

import { IngressConfigSnapshot } from '../src/ingress-config';
import { rejection } from './support/grpc-rejection';
import { IngressHarness, ManualClock } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

describe('ingress rate limit in reject mode (policy rate.overLimit = reject)', () => {
  const clock = new ManualClock();
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_rate', {}, () => undefined, clock);
    await sut.setPolicy('acme', { rate: { messagesPerSecond: 2, burst: 3, overLimit: 'reject' } });
    await sut.setPolicy('other', { rate: { messagesPerSecond: 2, burst: 3, overLimit: 'queue' } });
    await sut.refreshConfig();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('answers 429 rate_limited with Retry-After once the burst is spent, and refills at the rate', async () => {
    const first = await Promise.all([1, 2, 3].map(() => sut.submit(VALID)));
    expect(first.map((answer) => answer.status)).toEqual([202, 202, 202]);

    const limited = await sut.submit(VALID);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });

    const error = await rejection(sut.grpc().submit(VALID));
    expect(error).toMatchObject({ code: status.RESOURCE_EXHAUSTED, errorCode: 'rate_limited' });
    expect(Number(error.retryAfterMs)).toBeGreaterThan(0);
    expect(Number(error.retryAfterMs)).toBeLessThanOrEqual(500);

    clock.advance(500); // one token at 2 per second
    expect((await sut.submit(VALID)).status).toBe(202);
    expect((await sut.submit(VALID)).status).toBe(429);
  });

  it('sends as many items of a batch as the rate allows and answers the rest in place', async () => {
    clock.advance(10_000); // a full bucket again: 3 tokens
    const answer = await sut.submitBatch([VALID, VALID, { ...VALID, to: 'bad' }, VALID, VALID]);
    expect(answer.status).toBe(202);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body).toMatchObject({ accepted: 3, rejected: 2 });
    expect(
      (answer.body.results as { status: string; code?: string }[]).map(
        (result) => result.code ?? result.status,
      ),
    ).toEqual(['accepted', 'accepted', 'validation_failed', 'accepted', 'rate_limited']);
  });

  it('never limits otp, which the rate does not cover by default: not even behind a spent burst', async () => {
    clock.advance(10_000); // a full bucket again: 3 tokens
    const OTP = { ...VALID, priority: 'otp' };
    const bulk = { ...VALID, priority: 'bulk' };
    const batch = await sut.submitBatch([bulk, bulk, bulk, bulk, OTP, OTP]);
    expect(
      (batch.body.results as { status: string; code?: string }[]).map(
        (result) => result.code ?? result.status,
      ),
    ).toEqual(['accepted', 'accepted', 'accepted', 'rate_limited', 'accepted', 'accepted']);
    expect((await sut.submit(bulk)).status).toBe(429);
    const otps = await Promise.all(Array.from({ length: 10 }, () => sut.submit(OTP)));
    expect(otps.map((answer) => answer.status)).toEqual(otps.map(() => 202));
    expect((await sut.grpc().submit(OTP)).id).toEqual(expect.any(String));
  });

  it('leaves queue-mode tenants and tenants without a rate to the policy service', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => sut.submit(VALID, sut.other.key.key)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
  });

  it('follows a policy change on the running ingress', async () => {
    clock.advance(10_000);
    await sut.setPolicy('acme', { rate: { messagesPerSecond: 1, burst: 1, overLimit: 'reject' } });
    await sut.refreshConfig();
    expect((await sut.submit(VALID)).status).toBe(202);
    expect((await sut.submit(VALID)).status).toBe(429);
    await sut.setPolicy('acme', {});
    await sut.refreshConfig();
    expect((await sut.submit(VALID)).status).toBe(202);
  });

  it('gives each of INGRESS_REPLICAS replicas its share of the rate', async () => {
    const replica = await sut.startReplica({ replicas: 2 });
    await sut.setPolicy('acme', { rate: { messagesPerSecond: 10, burst: 8, overLimit: 'reject' } });
    await sut.refreshConfig();
    await replica.app.get(IngressConfigSnapshot).refresh();
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) {
      statuses.push(
        (
          await sut.request('POST', '/v1/messages', {
            body: JSON.stringify(VALID),
            baseUrl: replica.httpUrl,
          })
        ).status,
      );
    }
    // Burst 8 over two replicas: 4 here.
    expect(statuses).toEqual([202, 202, 202, 202, 429]);
  });
});

describe('ingress rate limit, measured', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_rate_measured');
    await sut.setPolicy('acme', { rate: { messagesPerSecond: 50, burst: 5, overLimit: 'reject' } });
    await sut.refreshConfig();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('accepts the configured rate within 10% under a flood', async () => {
    const started = Date.now();
    const durationMs = 3_000;
    let accepted = 0;
    let limited = 0;
    // The window the limiter saw ends at the last request sent, not when its answer came back: on
    // a busy machine the answers of the last requests may take a while, and counting that time
    // would expect requests that were never sent.
    let lastSentAt = started;
    const worker = async () => {
      while (Date.now() - started < durationMs) {
        lastSentAt = Date.now();
        const answer = await sut.submit(VALID);
        if (answer.status === 202) accepted++;
        else if (answer.status === 429) limited++;
        else throw new Error(`unexpected ${answer.status}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const elapsedSeconds = (lastSentAt - started) / 1000;
    const expected = 5 + 50 * elapsedSeconds;
    expect(limited).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThanOrEqual(expected * 0.9);
    expect(accepted).toBeLessThanOrEqual(expected * 1.1);
  });
});
