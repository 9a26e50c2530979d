import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as receivers verify them:
 *
 *   X-TuxHat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *
 * The timestamp is signed with the body, so a captured request cannot be replayed later than
 * the receiver's tolerance. During a secret rotation the header carries one v1 per valid secret;
 * a receiver accepts the request when any of them matches its secret.
 */
export const SIGNATURE_HEADER = 'x-tuxhat-signature';

export function signWebhook(body: string, secrets: readonly string[], now: Date): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = secrets.map((secret) => `v1=${hmac(secret, timestamp, body)}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

export interface VerifyOptions {
  readonly now?: Date;
  /** How old a signature may be (default 300 s). */
  readonly toleranceSeconds?: number;
}

/** What a receiver does (exported for tests and as the reference for tenants). */
export function verifyWebhookSignature(
  header: string,
  body: string,
  secret: string,
  { now = new Date(), toleranceSeconds = 300 }: VerifyOptions = {},
): boolean {
  const fields = header.split(',').map((field) => field.trim().split('=', 2) as [string, string?]);
  const timestamp = Number(fields.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return fields
    .filter(([name, value]) => name === 'v1' && value !== undefined)
    .some(([, value]) => {
      const given = Buffer.from(value!, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
