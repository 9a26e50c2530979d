import type { MessageFields, TenantPolicyInput } from '@tuxhat/contracts';

import { CompiledPolicy } from './compiled-policy';
import { precheck } from './stateless-rules';
import type { TenantPolicyEntry } from './tenant-policies';

const NOW = Date.parse('2026-01-15T21:00:00Z');

function entry(
  input: TenantPolicyInput,
  status: 'active' | 'suspended' = 'active',
): TenantPolicyEntry {
  const policy = CompiledPolicy.compile(2, input);
  if (!(policy instanceof CompiledPolicy)) throw new Error(policy.invalid);
  return { tenantId: 'acme', status, policy };
}

const message = (overrides: Partial<MessageFields> = {}): MessageFields => ({
  messageId: 'm1',
  tenantId: 'acme',
  destination: '+38267123456',
  source: 'ACME',
  text: 'x',
  encoding: 'gsm7',
  parts: 1,
  acceptedAt: new Date(NOW).toISOString(),
  ...overrides,
});

describe(precheck.name, () => {
  it('rejects unknown and suspended tenants and unusable policies', () => {
    expect(precheck(undefined, message(), false, NOW)).toMatchObject({ reason: 'tenant-unknown' });
    expect(precheck(entry({}, 'suspended'), message(), false, NOW)).toEqual({
      kind: 'reject',
      reason: 'tenant-suspended',
      detail: 'policy: rejected by tenant-active (tenant-suspended)',
    });
    expect(
      precheck(
        { tenantId: 'acme', status: 'active', policy: { invalid: 'x', version: 7 } },
        message(),
        false,
        NOW,
      ),
    ).toMatchObject({
      reason: 'policy-invalid',
      detail: expect.stringContaining('tenant_policies v7'),
    });
  });

  it('applies destinations before the suppression list, and the list before windows', () => {
    const sut = entry({
      destinations: { deny: [{ prefix: '49' }] },
      windows: [{ classes: ['transactional'], from: '09:00', to: '20:00' }],
    });
    expect(precheck(sut, message({ destination: '+4915112345678' }), true, NOW)).toMatchObject({
      reason: 'destination-denied',
      detail: 'policy v2: rejected by destinations.deny[0] prefix 49 (destination-denied)',
    });
    expect(precheck(sut, message(), true, NOW)).toMatchObject({
      reason: 'suppressed',
      detail: 'policy v2: rejected by suppression-list (suppressed)',
    });
    expect(precheck(sut, message(), false, NOW)).toEqual({
      kind: 'defer',
      releaseAt: Date.parse('2026-01-16T09:00:00Z'),
      detail: 'policy v2: deferred by windows[0] 09:00-20:00 UTC until 2026-01-16T09:00:00.000Z',
    });
  });

  it('defers a message scheduled for later until its time (every class), after the checks that reject', () => {
    const sut = entry({
      destinations: { deny: [{ prefix: '49' }] },
      windows: [{ classes: ['transactional'], from: '09:00', to: '23:00' }],
    });
    const at = '2026-01-17T08:30:00.000+01:00';
    for (const priority of ['otp', 'transactional', 'bulk'] as const) {
      expect(precheck(sut, message({ priority, scheduledAt: at }), false, NOW)).toEqual({
        kind: 'defer',
        releaseAt: Date.parse('2026-01-17T07:30:00Z'),
        detail: 'policy v2: deferred by scheduledAt until 2026-01-17T07:30:00.000Z',
      });
    }
    expect(
      precheck(sut, message({ destination: '+4915112345678', scheduledAt: at }), false, NOW),
    ).toMatchObject({ kind: 'reject', reason: 'destination-denied' });
    expect(precheck(sut, message({ scheduledAt: at }), true, NOW)).toMatchObject({
      kind: 'reject',
      reason: 'suppressed',
    });
    expect(precheck(undefined, message({ scheduledAt: at }), false, NOW)).toMatchObject({
      reason: 'tenant-unknown',
    });
    expect(
      precheck(entry({}, 'suspended'), message({ scheduledAt: at }), false, NOW),
    ).toMatchObject({ reason: 'tenant-suspended' });
    // A tenant without a stored policy (no windows, nothing stateful): held all the same.
    const plain: TenantPolicyEntry = {
      tenantId: 'acme',
      status: 'active',
      policy: CompiledPolicy.DEFAULT,
    };
    expect(precheck(plain, message({ scheduledAt: at }), false, NOW)).toMatchObject({
      kind: 'defer',
      detail: 'policy default: deferred by scheduledAt until 2026-01-17T07:30:00.000Z',
    });
  });

  it('lets a message through once its scheduled time has come, the windows applying as usual', () => {
    const sut = entry({ windows: [{ classes: ['transactional'], from: '09:00', to: '23:00' }] });
    const due = new Date(NOW).toISOString();
    expect(precheck(sut, message({ scheduledAt: due }), false, NOW)).toEqual({
      kind: 'pass',
      notes: ['windows[0] 09:00-23:00 UTC'],
    });
    const past = new Date(NOW - 60_000).toISOString();
    expect(precheck(entry({}), message({ scheduledAt: past }), false, NOW)).toEqual({
      kind: 'pass',
      notes: [],
    });
    // Released at 07:30: the window opens at 09:00.
    const released = Date.parse('2026-01-17T07:30:00Z');
    expect(
      precheck(sut, message({ scheduledAt: new Date(released).toISOString() }), false, released),
    ).toEqual({
      kind: 'defer',
      releaseAt: Date.parse('2026-01-17T09:00:00Z'),
      detail: 'policy v2: deferred by windows[0] 09:00-23:00 UTC until 2026-01-17T09:00:00.000Z',
    });
  });

  it('exempts an unlisted class from windows and names the rules that let it through', () => {
    const sut = entry({
      destinations: { allow: [{ country: 'ME' }] },
      windows: [{ classes: ['bulk'], from: '09:00', to: '20:00', outside: 'reject' }],
    });
    expect(precheck(sut, message({ priority: 'otp' }), false, NOW)).toEqual({
      kind: 'pass',
      notes: ['destinations.allow[0] country ME'],
    });
    expect(precheck(sut, message({ priority: 'bulk' }), false, NOW)).toMatchObject({
      reason: 'outside-window',
    });
  });
});
