/** The PDU fields that may carry a message's user data (SMPP 3.4 §4.4.1, §4.6.1, §4.7.1). */
export interface UserDataFields {
  /** Absent on data_sm, which has no short_message. */
  readonly shortMessage?: Buffer;
  /** §5.3.2.32 message_payload TLV. */
  readonly messagePayload?: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * The user data of a PDU: short_message, or the message_payload TLV when short_message is
 * empty (§5.3.2.32) or absent (data_sm); empty when neither carries any.
 */
export function userDataOf(fields: UserDataFields): Buffer {
  const { shortMessage } = fields;
  if (shortMessage !== undefined && shortMessage.length > 0) return shortMessage;
  return fields.messagePayload ?? shortMessage ?? EMPTY;
}
