/**
 * What a failed SNS Publish means for the message.
 *  - transient: try again later through the retry topic (and after a few rounds hand it back
 *    to routing, see SmsPublisher): no answer (network, timeout), throttling, an AWS-side (5xx)
 *    error, or credentials/authorization that an operator must fix (the message is not at
 *    fault).
 *  - rejected: AWS refuses this message (InvalidParameter: a number SNS cannot send to, a text
 *    too long, ...): a `failed` status with the AWS error code.
 */
export type PublishVerdict =
  | {
      readonly kind: 'transient';
      readonly reason: string;
      readonly throttled: boolean;
      /**
       * SNS may have taken the message after all (no answer, or its own failure): it must not
       * be sent there again. False when SNS surely refused it (throttled, our credentials) or
       * it never got the request (connection refused, unknown host).
       */
      readonly mayHaveReached: boolean;
    }
  | { readonly kind: 'rejected'; readonly errorCode: string; readonly detail: string };

/** The fields of an AWS SDK v3 service exception this classification reads. */
interface AwsErrorShape {
  readonly name?: string;
  /** The wire error code (e.g. InvalidParameter) where the SDK keeps it. */
  readonly Code?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Codes AWS uses for "slow down" (SNS: Throttled/ThrottledException; generic query protocol ones). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'Throttled',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSThrottling',
  'KMSThrottlingException',
]);

/** Codes that mean our credentials or permissions are wrong, not the message. */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'AuthorizationError',
  'AuthorizationErrorException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'AccessDenied',
  'AccessDeniedException',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);

/** Network errors that mean the request never left (no connection was made). */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function classifyPublishError(error: unknown): PublishVerdict {
  const shape: AwsErrorShape = typeof error === 'object' && error !== null ? error : {};
  const code = shape.Code ?? shape.name ?? 'Error';
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  const described = `${code}${status ? ` (HTTP ${status})` : ''}: ${message}`;

  if (THROTTLING_CODES.has(code) || status === 429 || shape.$retryable) {
    return {
      kind: 'transient',
      reason: `SNS throttled Publish: ${described}`,
      throttled: true,
      mayHaveReached: false,
    };
  }
  if (CREDENTIAL_CODES.has(code) || status === 401 || status === 403) {
    return {
      kind: 'transient',
      reason: `SNS refused our credentials: ${described}`,
      throttled: false,
      mayHaveReached: false,
    };
  }
  if (status === undefined) {
    // No HTTP answer at all: connection refused or reset, DNS, timeout (shape.code: ECONNREFUSED...).
    return {
      kind: 'transient',
      reason: `SNS not reachable: ${shape.code ? `${shape.code}: ` : ''}${message}`,
      throttled: false,
      mayHaveReached: !NEVER_SENT_CODES.has(shape.code ?? ''),
    };
  }
  if (status >= 500 || shape.$fault === 'server') {
    return {
      kind: 'transient',
      reason: `SNS failed: ${described}`,
      throttled: false,
      mayHaveReached: true,
    };
  }
  if (status >= 400) {
    return {
      kind: 'rejected',
      errorCode: code.slice(0, 32),
      detail: `SNS refused Publish: ${code}: ${message}`,
    };
  }
  return {
    kind: 'transient',
    reason: `unexpected SNS answer: ${described}`,
    throttled: false,
    mayHaveReached: true,
  };
}
