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

  // Hashes are stored with their keys for 24 h: a change of the canonical form would answer a
  // retry across a deploy 409. These are the hashes the first implementation gave.
  it.each([
    [
      'submit' as const,
      {
        to: '+38267123456',
        from: 'TuxHat',
        text: 'Your code is 123456',
        priority: 'otp',
        metadata: { b: '1', a: '2', '10': 'x', '2': 'y' },
      },
      '8dfa22ca00730a647a9892c418e90a3294733d3baef8224065edfd8a68a6e567',
    ],
    [
      'submit-batch' as const,
      {
        messages: [
          { to: '+1', text: 'é\ud83d\ude00', from: 'A' },
          { to: '+2', text: '\u2028 "q" \\\\', from: 'B', validityPeriod: 3600 },
        ],
      },
      'e64ef12979b5005b68e29637ce0c6dd01ef4f243084900bbb058dbcbf2a1fd69',
    ],
    [
      'submit' as const,
      { to: '+1', text: 'lone \ud800 surrogate', n: 1.5e300, z: null, t: true, e: [], o: {} },
      '834e4966f4a5cf7631257956770e4310a4b5eb9ddb5628b786abf10c06e4d2c6',
    ],
  ])('hashes a %s body as it always did', (operation, body, expected) => {
    expect(requestHash(operation, body)).toBe(expected);
  });

  it('leaves undefined members out, as JSON does', () => {
    expect(canonicalJson({ b: undefined, a: [1, undefined] })).toBe('{"a":[1,null]}');
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
