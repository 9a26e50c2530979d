import { policyTimeZone } from './tenant-policy';

describe(policyTimeZone.name, () => {
  it("is the document's zone", () => {
    expect(policyTimeZone({ timeZone: 'Pacific/Auckland' })).toBe('Pacific/Auckland');
  });

  it('is UTC for a tenant without a policy, or a policy that names no zone', () => {
    expect(policyTimeZone(undefined)).toBe('UTC');
    expect(policyTimeZone({ monthlyQuota: { messages: 10 } })).toBe('UTC');
  });

  it('is UTC for a document that does not parse, whatever zone it names', () => {
    expect(policyTimeZone({ timeZone: 'Pacific/Auckland', colour: 'red' })).toBe('UTC');
    expect(policyTimeZone({ timeZone: 'Mars/Olympus' })).toBe('UTC');
  });
});
