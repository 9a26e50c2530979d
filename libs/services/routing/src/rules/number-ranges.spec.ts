import { NumberRangeIndex, e164Digits } from './number-ranges';

describe(NumberRangeIndex.name, () => {
  const sut = new NumberRangeIndex([
    { prefix: '382', network: 'ME-any' },
    { prefix: '38267', network: 'ME-Telenor' },
    { prefix: '382678', network: 'ME-Telenor-M2M' },
    { prefix: '38269', network: 'ME-Crnogorski' },
  ]);

  it('finds the network by the longest matching prefix', () => {
    expect(sut.lookup('38267812345')?.network).toBe('ME-Telenor-M2M');
    expect(sut.lookup('38267123456')?.network).toBe('ME-Telenor');
    expect(sut.lookup('38269123456')?.network).toBe('ME-Crnogorski');
    expect(sut.lookup('38260123456')?.network).toBe('ME-any');
  });

  it('finds nothing outside every range, and never matches a prefix longer than the number', () => {
    expect(sut.lookup('4915112345678')).toBeUndefined();
    expect(sut.lookup('38')).toBeUndefined();
    expect(new NumberRangeIndex([]).lookup('38267123456')).toBeUndefined();
  });

  it('compares E.164 numbers as bare digits', () => {
    expect(e164Digits('+38267123456')).toBe('38267123456');
    expect(e164Digits('38267')).toBe('38267');
  });
});
