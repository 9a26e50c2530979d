import { createHash } from 'node:crypto';

import { derivedEnvelope, deterministicUuid, newEnvelope } from './event-factory';

/** The derivation as first written (Hash object, Buffer): every stored id came from it. */
function reference(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe(deterministicUuid.name, () => {
  it('gives the ids it always gave (they are stored: status history, accounting, receipts)', () => {
    expect(deterministicUuid('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e/accepted')).toBe(
      '102b759d-f960-83da-8e7e-935260619894',
    );
    expect(deterministicUuid('dlr-final/msg_01JD/telco-a')).toBe(
      '8a5ab679-1836-8aa9-96f4-30a1b9196002',
    );
    expect(deterministicUuid('')).toBe('e3b0c442-98fc-8c14-9afb-f4c8996fb924');
    expect(deterministicUuid('ü/€')).toBe('e45139b9-d68d-837d-b38a-7448191dff45');
  });

  it('matches the reference derivation for every variant nibble and is a version 8 UUID', () => {
    const variants = new Set<string>();
    for (let n = 0; n < 2_000; n++) {
      const name = `receipt/sim/${n.toString(16)}/${n % 3}`;
      const id = deterministicUuid(name);
      expect(id).toBe(reference(name));
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      variants.add(id[19]);
    }
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });

  it('derives an envelope id from the cause and purpose: the same again on a replay', () => {
    const cause = '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
    expect(derivedEnvelope(cause, 'accepted').eventId).toBe(deterministicUuid(`${cause}/accepted`));
    expect(derivedEnvelope(cause, 'routed').eventId).not.toBe(
      derivedEnvelope(cause, 'accepted').eventId,
    );
  });
});

describe(newEnvelope.name, () => {
  it('stamps the time given, or now, as ISO 8601', () => {
    const times = [
      '2026-11-26T08:00:00.123Z',
      '2026-11-26T08:00:00.123Z',
      '1999-01-01T00:00:00.000Z',
    ];
    for (const time of times) expect(newEnvelope(new Date(time)).occurredAt).toBe(time);
    expect(derivedEnvelope('c', 'p', new Date(times[2])).occurredAt).toBe(times[2]);
    const before = Date.now();
    const stamped = Date.parse(newEnvelope().occurredAt);
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
    expect(() => newEnvelope(new Date(Number.NaN))).toThrow(RangeError);
  });
});
