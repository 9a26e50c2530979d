import {
  IdempotencyCoordinator,
  type IdempotentOutcome,
  canonicalJson,
  parseIdempotencyKey,
  requestHash,
} from './idempotency';
import { ProblemError } from './problem';

describe(parseIdempotencyKey.name, () => {
  it('accepts 1 to 255 printable ASCII characters, absent is fine', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('550e8400-e29b-41d4-a716-446655440000')).toBe(
      '550e8400-e29b-41d4-a716-446655440000',
    );
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
  });

  it.each([[''], ['k'.repeat(256)], ['a b'], ['tab\t'], ['ключ'], [['a', 'b']]])(
    'refuses %p with idempotency_key_invalid',
    (value) => {
      try {
        parseIdempotencyKey(value);
        throw new Error('accepted');
      } catch (error) {
        expect((error as ProblemError).errors).toEqual([
          expect.objectContaining({ field: 'Idempotency-Key', code: 'idempotency_key_invalid' }),
        ]);
      }
    },
  );
});

describe(requestHash.name, () => {
  it('ignores key order, not values; tells operations apart', () => {
    const a = requestHash('submit', { to: '+1', text: 'x', metadata: { b: '1', a: '2' } });
    const b = requestHash('submit', { metadata: { a: '2', b: '1' }, text: 'x', to: '+1' });
    expect(a).toBe(b);
    expect(requestHash('submit', { to: '+1', text: 'y' })).not.toBe(
      requestHash('submit', { to: '+1', text: 'x' }),
    );
    expect(requestHash('submit-batch', { to: '+1' })).not.toBe(requestHash('submit', { to: '+1' }));
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'é' })).toBe(
      '{"a":"é","b":[2,{"c":null,"d":1}]}',
    );
  });
});

describe(IdempotencyCoordinator.name, () => {
  const deferred = () => {
    let resolve!: (outcome: IdempotentOutcome) => void;
    const promise = new Promise<IdempotentOutcome>((done) => (resolve = done));
    return { promise, resolve };
  };
  const outcome: IdempotentOutcome = {
    response: { status: 202, body: { id: 'm1' } },
    replayed: false,
  };

  it('lets concurrent requests with the same key wait for the first one’s answer', async () => {
    const sut = new IdempotencyCoordinator();
    const first = deferred();
    let calls = 0;
    const handle = () => {
      calls++;
      return first.promise;
    };
    const a = sut.run('acme', 'k', 'h', handle);
    const b = sut.run('acme', 'k', 'h', handle);
    first.resolve(outcome);
    expect(await a).toEqual(outcome);
    expect(await b).toEqual({ ...outcome, replayed: true });
    expect(calls).toBe(1);
    expect(sut.size).toBe(0);
  });

  it('refuses a concurrent request with the same key and another body', async () => {
    const sut = new IdempotencyCoordinator();
    const first = deferred();
    const a = sut.run('acme', 'k', 'h1', () => first.promise);
    await expect(sut.run('acme', 'k', 'h2', () => first.promise)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    first.resolve(outcome);
    await a;
  });

  it('keeps tenants apart and forgets a key once answered', async () => {
    const sut = new IdempotencyCoordinator();
    let calls = 0;
    const handle = async () => {
      calls++;
      return outcome;
    };
    await Promise.all([sut.run('acme', 'k', 'h', handle), sut.run('other', 'k', 'h', handle)]);
    await sut.run('acme', 'k', 'h', handle);
    expect(calls).toBe(3);
  });

  it('hands the first request’s failure to those waiting on it', async () => {
    const sut = new IdempotencyCoordinator();
    let fail!: (error: Error) => void;
    const failing = new Promise<IdempotentOutcome>((_resolve, reject) => (fail = reject));
    const a = sut.run('acme', 'k', 'h', () => failing);
    const b = sut.run('acme', 'k', 'h', () => failing);
    fail(new Error('bus down'));
    await expect(a).rejects.toThrow('bus down');
    await expect(b).rejects.toThrow('bus down');
  });
});
