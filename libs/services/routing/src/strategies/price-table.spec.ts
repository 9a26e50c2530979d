import { priceRow } from '../config/routing-config.fixture';
import { PriceTable, costOf } from './price-table';

describe(PriceTable.name, () => {
  const sut = new PriceTable([
    priceRow('telco-a', '', 9),
    priceRow('telco-a', '382', 5),
    priceRow('telco-a', '38267', 3),
    priceRow('telco-a', '38267', 2, 'bulk'),
    priceRow('telco-a', '382', 1, 'otp'),
    priceRow('telco-b', '49', 4),
  ]);

  it('takes the longest prefix of the destination', () => {
    expect(sut.priceOf('telco-a', '38267123456', 'transactional')?.priceMinor).toBe(3);
    expect(sut.priceOf('telco-a', '38269123456', 'transactional')?.priceMinor).toBe(5);
    expect(sut.priceOf('telco-a', '4915112345678', 'transactional')?.priceMinor).toBe(9);
  });

  it('prefers the class-specific price at the same prefix, never over a longer prefix', () => {
    expect(sut.priceOf('telco-a', '38267123456', 'bulk')?.priceMinor).toBe(2);
    expect(sut.priceOf('telco-a', '38269123456', 'otp')?.priceMinor).toBe(1);
    // The otp price is on "382"; "38267" (general) is longer and wins.
    expect(sut.priceOf('telco-a', '38267123456', 'otp')?.priceMinor).toBe(3);
  });

  it('has no price for a carrier or destination the table does not cover', () => {
    expect(sut.priceOf('telco-b', '38267123456', 'transactional')).toBeUndefined();
    expect(sut.priceOf('telco-c', '38267123456', 'transactional')).toBeUndefined();
  });

  it('costs a message as its parts times the price of one part', () => {
    expect(costOf(priceRow('telco-a', '', 3), 4)).toEqual({ minor: 12, currency: 'EUR' });
  });
});
