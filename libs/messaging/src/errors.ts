/**
 * Thrown by a handler when trying again cannot help (a message that can never be processed):
 * the record goes straight to the dead-letter topic instead of the retry topic.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
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
