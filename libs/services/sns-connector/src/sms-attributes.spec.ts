import {
  SmsAttribute,
  isAlphanumericSenderId,
  smsAttributesFor,
  smsTypeFor,
} from './sms-attributes';

describe(smsAttributesFor.name, () => {
  it("uses the carrier's configured sender id, SMS type, origination number and max price", () => {
    expect(
      smsAttributesFor(
        {
          senderId: 'TuxHat',
          smsType: 'Transactional',
          originationNumber: '+18005550100',
          maxPrice: 0.5,
        },
        { source: 'Other', priority: 'bulk' },
      ),
    ).toEqual({
      [SmsAttribute.SENDER_ID]: { DataType: 'String', StringValue: 'TuxHat' },
      [SmsAttribute.SMS_TYPE]: { DataType: 'String', StringValue: 'Transactional' },
      'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18005550100' },
      'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.50' },
    });
  });

  it("falls back to the message's alphanumeric sender", () => {
    expect(smsAttributesFor({}, { source: 'ShopNews', priority: 'bulk' })).toEqual({
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'ShopNews' },
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
    });
  });

  it.each(['+38267123456', '1234', 'Too long sender', 'Bank 24'])(
    'sends no sender id for %s (not an alphanumeric sender id)',
    (source) => {
      expect(smsAttributesFor({}, { source })).toEqual({
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      });
    },
  );
});

describe(smsTypeFor.name, () => {
  it.each([
    ['otp', 'Transactional'],
    ['transactional', 'Transactional'],
    [undefined, 'Transactional'],
    ['bulk', 'Promotional'],
  ] as const)('class of service %s -> %s', (priority, expected) => {
    expect(smsTypeFor({}, priority ? { priority } : {})).toBe(expected);
  });

  it('lets the carrier fix the type', () => {
    expect(smsTypeFor({ smsType: 'Promotional' }, { priority: 'otp' })).toBe('Promotional');
  });
});

describe(isAlphanumericSenderId.name, () => {
  it('wants 1 to 11 letters and digits with at least one letter', () => {
    expect(isAlphanumericSenderId('TuxHat2FA')).toBe(true);
    expect(isAlphanumericSenderId('12345')).toBe(false);
    expect(isAlphanumericSenderId('ABCDEFGHIJKL')).toBe(false);
  });
});
