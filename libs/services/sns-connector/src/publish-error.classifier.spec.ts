import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  OptedOutException,
  ThrottledException,
} from '@aws-sdk/client-sns';

import { classifyPublishError } from './publish-error.classifier';

/** A modeled SNS exception as the SDK builds it from an answer: wire code in `Code`, HTTP status in $metadata. */
function fromWire<E extends Error>(error: E, code: string, httpStatusCode: number): E {
  return Object.assign(error, { Code: code, $metadata: { httpStatusCode } });
}

describe(classifyPublishError.name, () => {
  it('fails the message on InvalidParameter, with the AWS error code', () => {
    const error = fromWire(
      new InvalidParameterException({
        message: 'Invalid parameter: PhoneNumber Reason: +1000 is not valid',
        $metadata: {},
      }),
      'InvalidParameter',
      400,
    );
    expect(classifyPublishError(error)).toEqual({
      kind: 'rejected',
      errorCode: 'InvalidParameter',
      detail:
        'SNS refused Publish: InvalidParameter: Invalid parameter: PhoneNumber Reason: +1000 is not valid',
    });
  });

  it('fails the message on other 4xx answers (an opted-out number)', () => {
    const error = fromWire(
      new OptedOutException({ message: 'opted out', $metadata: {} }),
      'OptedOut',
      400,
    );
    expect(classifyPublishError(error)).toMatchObject({ kind: 'rejected', errorCode: 'OptedOut' });
  });

  it('falls back to the exception name when the wire code is not kept', () => {
    const error = new InvalidParameterException({
      message: 'bad',
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyPublishError(error)).toMatchObject({
      kind: 'rejected',
      errorCode: 'InvalidParameterException',
    });
  });

  it.each([
    [
      'throttling',
      fromWire(
        new ThrottledException({ message: 'Rate exceeded', $metadata: {} }),
        'Throttled',
        429,
      ),
    ],
    [
      'a generic Throttling code on 400',
      Object.assign(new Error('slow down'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    [
      'an AWS-side error',
      fromWire(
        new InternalErrorException({ message: 'boom', $metadata: {} }),
        'InternalError',
        500,
      ),
    ],
    [
      'a 503 without a modeled error',
      Object.assign(new Error('Service Unavailable'), {
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      }),
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5055'), {
        code: 'ECONNREFUSED',
        $metadata: {},
      }),
    ],
    [
      'a timeout',
      Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }),
    ],
    [
      'credentials an operator must fix',
      fromWire(
        new AuthorizationErrorException({ message: 'not authorized', $metadata: {} }),
        'AuthorizationError',
        403,
      ),
    ],
    [
      'an unknown access key',
      Object.assign(new Error('The security token is invalid'), {
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      }),
    ],
  ])('retries on %s', (_name, error) => {
    expect(classifyPublishError(error)).toMatchObject({ kind: 'transient' });
  });

  it('says whether SNS may have taken a message it failed on', () => {
    const mayHave = (error: unknown) =>
      (classifyPublishError(error) as { mayHaveReached?: boolean }).mayHaveReached;
    // SNS surely refused it, or never got the request.
    expect(mayHave(fromWire(new Error('Rate exceeded'), 'Throttled', 429))).toBe(false);
    expect(mayHave(fromWire(new Error('not authorized'), 'AuthorizationError', 403))).toBe(false);
    expect(mayHave(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(mayHave(Object.assign(new Error('no host'), { code: 'ENOTFOUND' }))).toBe(false);
    // No answer, or a failure on SNS's side: it may have published.
    expect(mayHave(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(mayHave(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(mayHave(fromWire(new Error('boom'), 'InternalError', 500))).toBe(true);
  });

  it('keeps error codes within the contract length', () => {
    const error = Object.assign(new Error('x'), {
      name: 'A'.repeat(40),
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyPublishError(error)).toMatchObject({
      kind: 'rejected',
      errorCode: 'A'.repeat(32),
    });
  });
});
