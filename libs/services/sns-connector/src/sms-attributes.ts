import type { MessageAttributeValue } from '@aws-sdk/client-sns';

import type { SnsSettings } from './sns-carrier.repository';

/** SNS SMS attribute names (Amazon SNS developer guide, "Publishing to a mobile phone"). */
export const SmsAttribute = {
  SENDER_ID: 'AWS.SNS.SMS.SenderID',
  SMS_TYPE: 'AWS.SNS.SMS.SMSType',
} as const;

/** An alphanumeric sender ID as SNS takes it: 1 to 11 letters and digits, at least one letter. */
export function isAlphanumericSenderId(value: string): boolean {
  return /^[A-Za-z0-9]{1,11}$/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * The MessageAttributes of one SMS Publish:
 *  - SenderID: the carrier's configured sender id (the one registered for the AWS account)
 *    when it has one, else the message's own sender when that is a valid alphanumeric sender
 *    id; numeric senders (long numbers, short codes) are not sender ids and are left out.
 *  - SMSType: Transactional (OTP, alerts: delivery reliability first) or Promotional, per carrier.
 */
export function smsAttributesFor(
  settings: Pick<SnsSettings, 'senderId' | 'smsType'>,
  messageSource: string,
): Record<string, MessageAttributeValue> {
  const senderId =
    settings.senderId ?? (isAlphanumericSenderId(messageSource) ? messageSource : undefined);
  return {
    ...(senderId
      ? { [SmsAttribute.SENDER_ID]: { DataType: 'String', StringValue: senderId } }
      : {}),
    [SmsAttribute.SMS_TYPE]: { DataType: 'String', StringValue: settings.smsType },
  };
}
