import { buildConcatUdh, splitUserData } from './user-data-header';

describe('user data header', () => {
  it('builds the 8-bit concatenation IE', () => {
    expect(buildConcatUdh(0xab, 3, 2).toString('hex')).toBe('050003ab0302');
  });

  it('reads an 8-bit concatenation IE and the payload after it', () => {
    const sut = splitUserData(Buffer.from('050003ab0302' + '4142', 'hex'));
    expect(sut.concat).toEqual({ reference: 0xab, total: 3, sequence: 2 });
    expect(sut.payload.toString('hex')).toBe('4142');
  });

  it('reads a 16-bit concatenation IE behind another IE', () => {
    // UDHL 0c: IE 05 (port addressing, 4 octets) then IE 08 (16-bit concat, 4 octets)
    const sut = splitUserData(
      Buffer.from('0c' + '050400000000' + '08041234' + '0201' + '41', 'hex'),
    );
    expect(sut.concat).toEqual({ reference: 0x1234, total: 2, sequence: 1 });
    expect(sut.payload.toString('hex')).toBe('41');
  });

  it('treats a header that overruns the message as absent', () => {
    const message = Buffer.from('ff4142', 'hex');
    const sut = splitUserData(message);
    expect(sut.udh).toBeUndefined();
    expect(sut.payload).toBe(message);
  });
});
