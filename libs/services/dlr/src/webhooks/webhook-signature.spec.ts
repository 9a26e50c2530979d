import { createHmac } from 'node:crypto';

import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe(signWebhook.name, () => {
  const now = new Date('2026-11-26T10:00:00.000Z');
  const body = '{"status":"delivered"}';

  it('signs the timestamp and the body with HMAC-SHA256', () => {
    const header = signWebhook(body, ['s3cret'], now);
    const t = now.getTime() / 1000;
    const expected = createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(verifyWebhookSignature(header, body, 's3cret', { now })).toBe(true);
  });

  it('fails for another body, another secret or an old timestamp', () => {
    const header = signWebhook(body, ['s3cret'], now);
    expect(verifyWebhookSignature(header, `${body} `, 's3cret', { now })).toBe(false);
    expect(verifyWebhookSignature(header, body, 'other', { now })).toBe(false);
    const later = new Date(now.getTime() + 301_000);
    expect(verifyWebhookSignature(header, body, 's3cret', { now: later })).toBe(false);
    expect(verifyWebhookSignature('v1=abc', body, 's3cret', { now })).toBe(false);
  });

  it('carries one signature per secret during a rotation, so both secrets verify', () => {
    const header = signWebhook(body, ['new', 'old'], now);
    expect(header.split(',')).toHaveLength(3);
    expect(verifyWebhookSignature(header, body, 'new', { now })).toBe(true);
    expect(verifyWebhookSignature(header, body, 'old', { now })).toBe(true);
  });
});
