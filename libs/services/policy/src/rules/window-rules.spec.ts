import type { SendWindow } from '@tuxhat/contracts';

import { WindowRules } from './window-rules';

const at = (iso: string) => new Date(iso).getTime();
const spec = (overrides: Partial<SendWindow>): SendWindow => ({
  classes: ['bulk'],
  from: '09:00',
  to: '20:00',
  outside: 'defer',
  ...overrides,
});

describe(WindowRules.name, () => {
  it('exempts classes no window lists', () => {
    const sut = new WindowRules([spec({})], 'UTC');
    expect(sut.evaluate('otp', undefined, at('2026-01-15T03:00:00Z'))).toEqual({ open: true });
  });

  it('defers to the earliest opening of the windows covering the class', () => {
    const sut = new WindowRules(
      [spec({ from: '14:00', to: '16:00' }), spec({ from: '10:00', to: '11:00' })],
      'UTC',
    );
    expect(sut.evaluate('bulk', undefined, at('2026-01-15T12:00:00Z'))).toEqual({
      open: false,
      rule: 'windows[0] 14:00-16:00 UTC',
      outside: 'defer',
      nextOpening: at('2026-01-15T14:00:00Z'),
    });
    expect(sut.evaluate('bulk', undefined, at('2026-01-15T10:30:00Z'))).toEqual({
      open: true,
      rule: 'windows[1] 10:00-11:00 UTC',
    });
  });

  it('rejects when every covering window says so', () => {
    const sut = new WindowRules([spec({ outside: 'reject' })], 'UTC');
    expect(sut.evaluate('bulk', undefined, at('2026-01-15T21:00:00Z'))).toMatchObject({
      open: false,
      outside: 'reject',
    });
  });

  it("reads a destination window in the destination country's zone", () => {
    const sut = new WindowRules([spec({ timeZone: 'destination' })], 'UTC');
    // 07:30 UTC is 08:30 in Montenegro (closed) and 13:00 in India (open).
    expect(sut.evaluate('bulk', 'ME', at('2026-01-15T07:30:00Z'))).toMatchObject({
      open: false,
      nextOpening: at('2026-01-15T08:00:00Z'),
    });
    expect(sut.evaluate('bulk', 'IN', at('2026-01-15T07:30:00Z')).open).toBe(true);
    // No country (non-geographic number): the policy's zone.
    expect(sut.evaluate('bulk', undefined, at('2026-01-15T07:30:00Z')).open).toBe(false);
  });

  it('gives the same answer from its cache as computed fresh, as time moves', () => {
    const cached = new WindowRules([spec({ days: [1, 3, 5] })], 'Europe/Berlin');
    for (let t = at('2026-01-12T00:00:00Z'); t < at('2026-01-19T00:00:00Z'); t += 17 * 60_000) {
      const fresh = new WindowRules([spec({ days: [1, 3, 5] })], 'Europe/Berlin');
      expect(cached.evaluate('bulk', undefined, t)).toEqual(fresh.evaluate('bulk', undefined, t));
    }
  });
});
