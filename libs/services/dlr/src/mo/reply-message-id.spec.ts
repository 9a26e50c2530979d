import { replyMessageId } from './reply-message-id';

describe(replyMessageId.name, () => {
  const at = new Date('2026-11-26T10:00:00.000Z');

  it('is a msg_ ULID derived from its cause: same cause, same id', () => {
    const id = replyMessageId('mo/abc/reply', at);
    expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(replyMessageId('mo/abc/reply', at)).toBe(id);
    expect(replyMessageId('mo/abd/reply', at)).not.toBe(id);
  });

  it('sorts by time like the tenant API ids', () => {
    const later = new Date(at.getTime() + 1);
    expect(replyMessageId('z', at) < replyMessageId('a', later)).toBe(true);
  });
});
