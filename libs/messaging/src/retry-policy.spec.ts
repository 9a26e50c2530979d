import { PermanentError, RetryLaterError } from './errors';
import { decideOnFailure } from './retry-policy';

describe(decideOnFailure.name, () => {
  const policy = { maxAttempts: 3, backoffMs: [100, 1_000] };
  const noJitter = () => 0.5;

  it('retries with the scheduled back-off while attempts remain', () => {
    expect(decideOnFailure(policy, 1, new Error('x'), noJitter)).toEqual({
      kind: 'retry',
      nextAttempt: 2,
      delayMs: 100,
    });
    expect(decideOnFailure(policy, 2, new Error('x'), noJitter)).toEqual({
      kind: 'retry',
      nextAttempt: 3,
      delayMs: 1_000,
    });
  });

  it('dead-letters once the attempts are used up', () => {
    expect(decideOnFailure(policy, 3, new Error('x'), noJitter)).toEqual({ kind: 'dead-letter' });
  });

  it('dead-letters a permanent error at once', () => {
    expect(decideOnFailure(policy, 1, new PermanentError('never'), noJitter)).toEqual({
      kind: 'dead-letter',
    });
  });

  it('jitters the delay within ±20%', () => {
    const low = decideOnFailure(policy, 1, new Error('x'), () => 0);
    const high = decideOnFailure(policy, 1, new Error('x'), () => 0.999);
    expect(low).toMatchObject({ delayMs: 80 });
    expect(high).toMatchObject({ delayMs: 120 });
  });

  it('delivers a waiting record again after its own delay, keeping its attempt: never dead-lettered', () => {
    expect(decideOnFailure(policy, 3, new RetryLaterError('no carrier', 5_000), noJitter)).toEqual({
      kind: 'retry',
      nextAttempt: 3,
      delayMs: 5_000,
    });
    expect(decideOnFailure(policy, 1, new RetryLaterError('x', 5_000), () => 0)).toMatchObject({
      delayMs: 4_000,
    });
  });
});
