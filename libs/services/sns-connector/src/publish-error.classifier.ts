/**
 * What a failed SNS Publish means for the message.
 *  - transient: try again later through the retry topic: no answer (network, timeout),
 *    throttling, an AWS-side (5xx) error, or credentials/authorization that an operator must
 *    fix (the message is not at fault: it waits, and ends in the dead-letter topic, re-drivable,
 *    if nobody does).
 *  - rejected: AWS refuses this message (InvalidParameter: a number SNS cannot send to, a text
 *    too long, ...): a `failed` status with the AWS error code.
 */
export type PublishVerdict =
  | { readonly kind: 'transient'; readonly reason: string; readonly throttled: boolean }
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

export function classifyPublishError(error: unknown): PublishVerdict {
  const shape: AwsErrorShape = typeof error === 'object' && error !== null ? error : {};
  const code = shape.Code ?? shape.name ?? 'Error';
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  const described = `${code}${status ? ` (HTTP ${status})` : ''}: ${message}`;

  if (THROTTLING_CODES.has(code) || status === 429 || shape.$retryable) {
    return { kind: 'transient', reason: `SNS throttled Publish: ${described}`, throttled: true };
  }
  if (CREDENTIAL_CODES.has(code) || status === 401 || status === 403) {
    return {
      kind: 'transient',
      reason: `SNS refused our credentials: ${described}`,
      throttled: false,
    };
  }
  if (status === undefined) {
    // No HTTP answer at all: connection refused or reset, DNS, timeout (shape.code: ECONNREFUSED...).
    return {
      kind: 'transient',
      reason: `SNS not reachable: ${shape.code ? `${shape.code}: ` : ''}${message}`,
      throttled: false,
    };
  }
  if (status >= 500 || shape.$fault === 'server') {
    return { kind: 'transient', reason: `SNS failed: ${described}`, throttled: false };
  }
  if (status >= 400) {
    return {
      kind: 'rejected',
      errorCode: code.slice(0, 32),
      detail: `SNS refused Publish: ${code}: ${message}`,
    };
  }
  return { kind: 'transient', reason: `unexpected SNS answer: ${described}`, throttled: false };
}
