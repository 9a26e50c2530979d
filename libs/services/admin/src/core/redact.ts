/** Keys whose string values are secrets (or hashes of them) wherever they appear. */
const SECRET_KEY = /password|secret|token|hash|^key$|^apiKey$/i;

export const REDACTED = '[redacted]';

/**
 * A copy of a JSON-able value with every secret string replaced, the audit log's safety net:
 * views written to the audit already leave secrets out, this catches a view that forgets.
 * References to secrets (`{ env: NAME }`) are objects, so they stay: which variable a carrier
 * reads is exactly what an auditor wants to see.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && typeof item === 'string' ? REDACTED : redactSecrets(item),
    ]),
  );
}
