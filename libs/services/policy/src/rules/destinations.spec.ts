import { destinationOf } from './destination-country';
import { DestinationRules } from './destinations';

describe(DestinationRules.name, () => {
  const sut = new DestinationRules({
    allow: [{ country: 'ME' }, { prefix: '4915' }, { number: '+12025550143' }],
    deny: [{ prefix: '38269' }, { pattern: '^\\+382\\d{5}$' }, { country: 'DE' }],
  });

  it('allows a destination an allow rule matches, naming the rule', () => {
    expect(sut.evaluate(destinationOf('+38267123456'))).toEqual({
      allowed: true,
      rule: 'destinations.allow[0] country ME',
    });
    expect(sut.evaluate(destinationOf('+12025550143'))).toEqual({
      allowed: true,
      rule: 'destinations.allow[2] number +12025550143',
    });
  });

  it('lets deny win over allow', () => {
    expect(sut.evaluate(destinationOf('+38269123456'))).toEqual({
      allowed: false,
      rule: 'destinations.deny[0] prefix 38269',
      reason: 'destination-denied',
    });
    expect(sut.evaluate(destinationOf('+4915112345678'))).toEqual({
      allowed: false,
      rule: 'destinations.deny[2] country DE',
      reason: 'destination-denied',
    });
    expect(sut.evaluate(destinationOf('+38212345'))).toMatchObject({
      rule: 'destinations.deny[1] pattern ^\\+382\\d{5}$',
    });
  });

  it('rejects what no allow rule matches', () => {
    expect(sut.evaluate(destinationOf('+447911123456'))).toEqual({
      allowed: false,
      rule: 'destinations.allow',
      reason: 'destination-not-allowed',
    });
  });

  it('allows everything not denied when the allow list is empty', () => {
    const denyOnly = new DestinationRules({ allow: [], deny: [{ country: 'DE' }] });
    expect(denyOnly.evaluate(destinationOf('+447911123456'))).toEqual({ allowed: true });
    expect(denyOnly.usesCountry).toBe(true);
  });

  it('resolves the country only when a rule needs it', () => {
    const prefixes = new DestinationRules({ allow: [{ prefix: '382' }], deny: [] });
    const destination = { number: '+38267123456', country: jest.fn(() => 'ME') };
    prefixes.evaluate(destination);
    expect(destination.country).not.toHaveBeenCalled();
    expect(prefixes.usesCountry).toBe(false);
  });
});

describe(destinationOf.name, () => {
  it('resolves countries sharing a calling code, and none for non-geographic numbers', () => {
    expect(destinationOf('+14165551234').country()).toBe('CA');
    expect(destinationOf('+12125551234').country()).toBe('US');
    expect(destinationOf('+77011234567').country()).toBe('KZ');
    expect(destinationOf('+447700900123').country()).toBe('GB');
    expect(destinationOf('+88213456789').country()).toBeUndefined();
  });
});
