import { Npi, Ton, addressFromCarrier, destinationAddressOf, sourceAddressOf } from './sms-address';

describe(sourceAddressOf.name, () => {
  it.each([
    ['+38267123456', { addr: '38267123456', ton: Ton.INTERNATIONAL, npi: Npi.ISDN_E164 }],
    ['38267123456', { addr: '38267123456', ton: Ton.INTERNATIONAL, npi: Npi.ISDN_E164 }],
    ['1234', { addr: '1234', ton: Ton.NETWORK_SPECIFIC, npi: Npi.ISDN_E164 }],
    ['TuxHat', { addr: 'TuxHat', ton: Ton.ALPHANUMERIC, npi: Npi.UNKNOWN }],
    ['Bank 24', { addr: 'Bank 24', ton: Ton.ALPHANUMERIC, npi: Npi.UNKNOWN }],
  ])('%s -> %o', (source, expected) => {
    expect(sourceAddressOf(source)).toEqual(expected);
  });
});

describe(destinationAddressOf.name, () => {
  it('sends E.164 digits without the plus, international ISDN', () => {
    expect(destinationAddressOf('+38267123456')).toEqual({ addr: '38267123456', ton: 1, npi: 1 });
  });
});

describe(addressFromCarrier.name, () => {
  it('gives international numbers their plus back and leaves the rest alone', () => {
    expect(addressFromCarrier('38267123456', Ton.INTERNATIONAL)).toBe('+38267123456');
    expect(addressFromCarrier('1234', Ton.NETWORK_SPECIFIC)).toBe('1234');
    expect(addressFromCarrier('TuxHat', Ton.ALPHANUMERIC)).toBe('TuxHat');
  });
});
