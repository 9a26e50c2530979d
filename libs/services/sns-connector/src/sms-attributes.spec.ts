import { SmsAttribute, isAlphanumericSenderId, smsAttributesFor } from './sms-attributes';

describe(smsAttributesFor.name, () => {
  it("uses the carrier's configured sender id and SMS type", () => {
    expect(smsAttributesFor({ senderId: 'TuxHat', smsType: 'Transactional' }, 'Other')).toEqual({
      [SmsAttribute.SENDER_ID]: { DataType: 'String', StringValue: 'TuxHat' },
      [SmsAttribute.SMS_TYPE]: { DataType: 'String', StringValue: 'Transactional' },
    });
  });

  it("falls back to the message's alphanumeric sender", () => {
    expect(smsAttributesFor({ smsType: 'Promotional' }, 'ShopNews')).toEqual({
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'ShopNews' },
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
    });
  });

  it.each(['+38267123456', '1234', 'Too long sender', 'Bank 24'])(
    'sends no sender id for %s (not an alphanumeric sender id)',
    (source) => {
      expect(smsAttributesFor({ smsType: 'Transactional' }, source)).toEqual({
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      });
    },
  );
});

describe(isAlphanumericSenderId.name, () => {
  it('wants 1 to 11 letters and digits with at least one letter', () => {
    expect(isAlphanumericSenderId('TuxHat2FA')).toBe(true);
    expect(isAlphanumericSenderId('12345')).toBe(false);
    expect(isAlphanumericSenderId('ABCDEFGHIJKL')).toBe(false);
  });
});
