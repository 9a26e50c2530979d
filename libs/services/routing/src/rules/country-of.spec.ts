import { countryOf } from './country-of';

describe(countryOf.name, () => {
  it('resolves countries that share a calling code by their leading digits', () => {
    expect(countryOf('38267123456')).toBe('ME');
    expect(countryOf('4915112345678')).toBe('DE');
    expect(countryOf('12125550123')).toBe('US');
    expect(countryOf('14165550123')).toBe('CA');
    expect(countryOf('447400123456')).toBe('GB');
    expect(countryOf('447911123456')).toBe('GG');
    expect(countryOf('77012345678')).toBe('KZ');
    expect(countryOf('79161234567')).toBe('RU');
  });

  it('answers the same from its cache', () => {
    expect(countryOf('14165550199')).toBe('CA');
    expect(countryOf('12125550199')).toBe('US');
  });

  it('is null when the number belongs to no country', () => {
    expect(countryOf('99912345678')).toBeNull();
  });
});
