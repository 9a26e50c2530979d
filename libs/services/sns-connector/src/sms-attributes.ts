import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { DEFAULT_PRIORITY_CLASS, type MessageFields } from '@tuxhat/contracts';

import type { SnsSettings } from './sns-carrier.repository';

/** SNS SMS attribute names (Amazon SNS developer guide, "Publishing to a mobile phone"). */
export const SmsAttribute = {
  SENDER_ID: 'AWS.SNS.SMS.SenderID',
  SMS_TYPE: 'AWS.SNS.SMS.SMSType',
  MAX_PRICE: 'AWS.SNS.SMS.MaxPrice',
  ORIGINATION_NUMBER: 'AWS.MM.SMS.OriginationNumber',
} as const;

/** An alphanumeric sender ID as SNS takes it: 1 to 11 letters and digits, at least one letter. */
export function isAlphanumericSenderId(value: string): boolean {
  return /^[A-Za-z0-9]{1,11}$/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * SMSType by class of service: OTP codes and transactional messages go Transactional (AWS
 * routes them for reliability), bulk goes Promotional (cheaper), unless the carrier fixes one.
 */
export function smsTypeFor(
  settings: Pick<SnsSettings, 'smsType'>,
  message: Pick<MessageFields, 'priority'>,
): 'Transactional' | 'Promotional' {
  if (settings.smsType) return settings.smsType;
  return (message.priority ?? DEFAULT_PRIORITY_CLASS) === 'bulk' ? 'Promotional' : 'Transactional';
}

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/**
 * The MessageAttributes of one SMS Publish:
 *  - SenderID: the carrier's configured sender id (the one registered for the AWS account)
 *    when it has one, else the message's own sender when that is a valid alphanumeric sender
 *    id; numeric senders (long numbers, short codes) are not sender ids and are left out;
 *  - SMSType: see smsTypeFor;
 *  - OriginationNumber: the number the account sends from, when the carrier names one;
 *  - MaxPrice: the most (USD) one message may cost, when the carrier caps it.
 */
export function smsAttributesFor(
  settings: Pick<SnsSettings, 'senderId' | 'smsType' | 'originationNumber' | 'maxPrice'>,
  message: Pick<MessageFields, 'source' | 'priority'>,
): Record<string, MessageAttributeValue> {
  const senderId =
    settings.senderId ?? (isAlphanumericSenderId(message.source) ? message.source : undefined);
  return {
    ...(senderId ? { [SmsAttribute.SENDER_ID]: text(senderId) } : {}),
    [SmsAttribute.SMS_TYPE]: text(smsTypeFor(settings, message)),
    ...(settings.originationNumber
      ? { [SmsAttribute.ORIGINATION_NUMBER]: text(settings.originationNumber) }
      : {}),
    ...(settings.maxPrice === undefined
      ? {}
      : {
          [SmsAttribute.MAX_PRICE]: {
            DataType: 'Number',
            StringValue: settings.maxPrice.toFixed(2),
          },
        }),
  };
}
