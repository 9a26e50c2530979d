/**
 * The rule for every URL the gateway POSTs signed callbacks to: a tenant's DLR paths, triggers
 * and MO handlers (admin API) and a message's own `callbackUrl` (REST and gRPC submissions).
 * HTTPS, or plain HTTP to this machine only (development, tests): a receipt must not cross a
 * network in the clear. Credentials in the URL are refused: they would show in every view,
 * audit row and log line.
 */

/** Longest URL accepted. */
export const WEBHOOK_URL_MAX_LENGTH = 2_048;

/** What a refused URL's field error says (APIs may add the length). */
export const WEBHOOK_URL_RULE =
  'must be an https:// URL without credentials (http:// only to localhost)';

/** Hosts plain HTTP may go to, as the URL parser writes them (lower case, IPv6 in brackets). */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `value` follows WEBHOOK_URL_RULE (the length is the caller's to check). */
export function isWebhookUrl(value: string): boolean {
  const url = URL.parse(value);
  if (url === null || url.username || url.password) return false;
  return (
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
  );
}
