import { encodeGsm7 } from '../encoding/gsm7-codec';
import { userDataOf } from './user-data';

describe(userDataOf.name, () => {
  it('is short_message, else message_payload, else empty', () => {
    const text = encodeGsm7('hello');
    // deliver_sm: short_message first; empty, message_payload.
    expect(userDataOf({ shortMessage: text, messagePayload: encodeGsm7('x') })).toBe(text);
    expect(userDataOf({ shortMessage: Buffer.alloc(0), messagePayload: text })).toBe(text);
    // data_sm: no short_message at all.
    expect(userDataOf({ messagePayload: text })).toBe(text);
    expect(userDataOf({})).toEqual(Buffer.alloc(0));
  });
});
