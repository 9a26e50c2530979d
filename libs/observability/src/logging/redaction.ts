/**
 * What never reaches a log line in clear: secrets (passwords, API keys, tokens, credentials in
 * URLs) and message text (SMS bodies are the tenants' customers' data: OTP codes, balances).
 * Two nets: structured values lose the properties whose name says "secret" or "text", and
 * strings lose what the patterns below recognise (JSON fields, key=value pairs, API keys,
 * Bearer tokens, URL credentials, the text: field of SMPP delivery receipts).
 * Free text interpolated into a message cannot be recognised: code logs ids, never bodies.
 */
export const REDACTED = '[redacted]';

/**
 * Property names whose values are secrets or message text, at any depth: these names, and names
 * ending in one of the secret words (environment variables such as KAFKA_SASL_PASSWORD, smppPassword).
 */
const SENSITIVE_KEY =
  /^(password|passwd|pwd|passphrase|secret|secretAccessKey|accessKeyId|token|accessToken|refreshToken|authorization|apiKey|api_key|privateKey|credentials?|text|body|shortMessage|short_message|messagePayload|message_payload|payload)$|[_a-z](password|passwd|passphrase|secret)$/i;

/** Applied in order to every string. */
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // PEM private keys (a TLS client key, e.g. Kafka's): the markers stay, the key goes.
  [
    /(-----BEGIN ([A-Z ]*)PRIVATE KEY-----)[\s\S]*?(-----END \2PRIVATE KEY-----)/g,
    `$1${REDACTED}$3`,
  ],
  // Tenant (thk_) and admin (tha_) API keys: the prefix identifies the key and may stay.
  [/\b(th[ka]_[a-z0-9]{8})_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, `$1_${REDACTED}`],
  // Authorization headers that are not one of our keys (already handled above).
  [/\b(Bearer|Basic)(\s+)(?!th[ka]_[a-z0-9]{8}_\[redacted\])[^\s"',;]+/gi, `$1$2${REDACTED}`],
  // Credentials in URLs: postgresql://user:secret@host -> postgresql://user:[redacted]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@/"']+@/gi, `$1${REDACTED}@`],
  // "password": "x", password=x, secret: x ...
  [
    /((?:password|passwd|secret|secretAccessKey|token|api[_-]?key)["']?\s*[:=]\s*["']?)[^"'\s,;&}]+/gi,
    `$1${REDACTED}`,
  ],
  // Message text as JSON ("text":"...", also escaped inside a JSON string: \"text\":\"...\").
  [
    /((?:\\?")(?:text|body|shortMessage|short_message|message_payload)(?:\\?")\s*:\s*(?:\\?"))((?:[^"\\]|\\[^"])*)(\\?")/gi,
    `$1${REDACTED}$3`,
  ],
  // The text: field of an SMPP delivery receipt (SMPP 3.4 Appendix B): the message's first characters.
  [/(\btext:)[^"\n]{0,160}/gi, `$1${REDACTED}`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` fit for a log: sensitive properties replaced, strings redacted. Objects
 * that need no change are returned as they are; cycles and depth are bounded.
 */
export function redactValue(value: unknown): unknown {
  return redact(value, 0, new WeakSet());
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack);
    return copy;
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SENSITIVE_KEY.test(key) && item !== null && typeof item !== 'object'
        ? REDACTED
        : redact(item, depth + 1, seen),
    ]),
  );
}
