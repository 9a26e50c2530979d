/**
 * Thrown by a handler when trying again cannot help (a message that can never be processed):
 * the record goes straight to the dead-letter topic instead of the retry topic.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/**
 * Thrown by a handler for a record that is waiting, not failing: it is delivered again after
 * `delayMs` (jittered) through the same durable retry path as a failure, but the delivery keeps
 * its attempt number, so a wait of any length never dead-letters it. The handler owns the
 * wait's end (e.g. routing gives a message up once its validity is over).
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';

  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** Thrown by a handler when the record cannot be handled yet but will be (e.g. a receipt racing its submit_sm_resp). */
export class NotYetError extends Error {
  override readonly name = 'NotYetError';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? typeof error;
  } catch {
    return typeof error;
  }
}
