import { MessageIdGenerator, receiptTextId } from './message-id-generator';

describe(MessageIdGenerator.name, () => {
  it('spells hex ids in upper case and increments them', () => {
    const sut = new MessageIdGenerator('hex');
    const [a, b] = [sut.next(), sut.next()];
    expect(a).toMatch(/^[0-9A-F]{8}$/);
    expect(BigInt(`0x${b}`) - BigInt(`0x${a}`)).toBe(1n);
  });

  it('spells decimal ids as increasing integers', () => {
    const sut = new MessageIdGenerator('decimal');
    const [a, b] = [sut.next(), sut.next()];
    expect(Number(b) - Number(a)).toBe(1);
  });

  it('writes a hex id in decimal in the receipt text only when asked', () => {
    expect(receiptTextId('FF', 'hex', 'decimal')).toBe('255');
    expect(receiptTextId('FF', 'hex', 'same')).toBe('FF');
    expect(receiptTextId('255', 'decimal', 'decimal')).toBe('255');
  });

  it('zero-fills the receipt text id to 20 characters when asked', () => {
    expect(receiptTextId('1A2B3C', 'hex', 'padded')).toBe('000000000000001A2B3C');
    expect(receiptTextId('268435456', 'decimal', 'padded')).toBe('00000000000268435456');
  });
});
