import { MessageTooLongError, splitMessage } from './message-splitter';

const hexParts = (text: string, reference = 0x2a): string[] =>
  splitMessage(text, { reference }).parts.map((part) => part.shortMessage.toString('hex'));

const udh = (total: number, sequence: number): string =>
  `0500032a${total.toString(16).padStart(2, '0')}${sequence.toString(16).padStart(2, '0')}`;

describe(splitMessage.name, () => {
  it('plain GSM: one part, no UDH, data_coding 0x00, esm_class 0x00', () => {
    const sut = splitMessage('Hello @ world', { reference: 0x2a });
    expect(sut.encoding).toBe('gsm7');
    expect(sut.dataCoding).toBe(0x00);
    expect(sut.parts).toHaveLength(1);
    expect(sut.parts[0]).toMatchObject({
      esmClass: 0x00,
      dataCoding: 0x00,
      sequence: 1,
      total: 1,
      units: 13,
    });
    expect(sut.parts[0]?.shortMessage.toString('hex')).toBe('48656c6c6f2000' + '20776f726c64');
  });

  it('extension characters € [ ^ are escaped and counted as two septets', () => {
    const sut = splitMessage('5€ [x]^2', { reference: 0x2a });
    expect(sut.parts[0]?.units).toBe(12);
    expect(sut.parts[0]?.shortMessage.toString('hex')).toBe(
      '35' + '1b65' + '20' + '1b3c' + '78' + '1b3e' + '1b14' + '32',
    );
  });

  it('a 161-character GSM message becomes two parts of 153 + 8 septets with the concatenation UDH', () => {
    const sut = splitMessage('A'.repeat(153) + 'B'.repeat(8), { reference: 0x2a });
    expect(sut.parts.map((part) => part.esmClass)).toEqual([0x40, 0x40]);
    expect(sut.parts.map((part) => part.units)).toEqual([153, 8]);
    expect(hexParts('A'.repeat(153) + 'B'.repeat(8))).toEqual([
      udh(2, 1) + '41'.repeat(153),
      udh(2, 2) + '42'.repeat(8),
    ]);
    expect(sut.parts[0]?.shortMessage).toHaveLength(159);
  });

  it('never splits a GSM escape pair across parts', () => {
    const parts = hexParts('a'.repeat(152) + '€' + 'b'.repeat(10));
    expect(parts).toEqual([udh(2, 1) + '61'.repeat(152), udh(2, 2) + '1b65' + '62'.repeat(10)]);
  });

  it('maximum single-part lengths: 160 septets and 70 UCS-2 units', () => {
    expect(hexParts('a'.repeat(160))).toEqual(['61'.repeat(160)]);
    expect(hexParts('a'.repeat(158) + '€')).toEqual(['61'.repeat(158) + '1b65']);
    expect(hexParts('Ж'.repeat(70))).toEqual(['0416'.repeat(70)]);
    expect(splitMessage('Ж'.repeat(70)).parts[0]?.shortMessage).toHaveLength(140);
  });

  it('one septet over the single-part maximum splits 153 + rest', () => {
    expect(hexParts('a'.repeat(159) + '€')).toEqual([
      udh(2, 1) + '61'.repeat(153),
      udh(2, 2) + '61'.repeat(6) + '1b65',
    ]);
  });

  it('UCS-2: data_coding 0x08, 67 units per part', () => {
    const sut = splitMessage('Ж'.repeat(71), { reference: 0x2a });
    expect(sut.encoding).toBe('ucs2');
    expect(sut.parts.map((part) => [part.dataCoding, part.units])).toEqual([
      [0x08, 67],
      [0x08, 4],
    ]);
    expect(hexParts('Ж'.repeat(71))).toEqual([
      udh(2, 1) + '0416'.repeat(67),
      udh(2, 2) + '0416'.repeat(4),
    ]);
  });

  it('UCS-2 with an emoji at a part boundary moves the whole surrogate pair to the next part', () => {
    expect(hexParts('Ж'.repeat(66) + '😀' + 'Ж'.repeat(5))).toEqual([
      udh(2, 1) + '0416'.repeat(66),
      udh(2, 2) + 'd83dde00' + '0416'.repeat(5),
    ]);
  });

  it('UCS-2 with an emoji ending exactly on the boundary keeps it in the first part', () => {
    expect(hexParts('Ж'.repeat(65) + '😀' + 'Ж'.repeat(5))).toEqual([
      udh(2, 1) + '0416'.repeat(65) + 'd83dde00',
      udh(2, 2) + '0416'.repeat(5),
    ]);
  });

  it('keeps the parts texts in order and intact', () => {
    const text = 'Привет, мир! 😀 '.repeat(10);
    expect(
      splitMessage(text)
        .parts.map((part) => part.text)
        .join(''),
    ).toBe(text);
  });

  it('can force UCS-2 for a GSM-representable text', () => {
    expect(splitMessage('Hi', { encoding: 'ucs2' }).parts[0]?.shortMessage.toString('hex')).toBe(
      '00480069',
    );
  });

  it('refuses more parts than the 8-bit IE can number', () => {
    expect(() => splitMessage('a'.repeat(153 * 255 + 1))).toThrow(MessageTooLongError);
    expect(splitMessage('a'.repeat(153 * 255)).parts).toHaveLength(255);
  });

  it('refuses a reference outside 0..255', () => {
    expect(() => splitMessage('a'.repeat(200), { reference: 256 })).toThrow(RangeError);
    expect(() => splitMessage('a'.repeat(200), { reference: () => 256 })).toThrow(RangeError);
  });

  it('asks a reference function only when the text needs more than one part', () => {
    let calls = 0;
    const reference = (): number => {
      calls++;
      return 0x2a;
    };
    expect(splitMessage('a'.repeat(160), { reference })).toMatchObject({ reference: 0 });
    expect(calls).toBe(0);
    const long = splitMessage('a'.repeat(161), { reference });
    expect(calls).toBe(1);
    expect(long.reference).toBe(0x2a);
    expect(long.parts.map((part) => part.shortMessage.subarray(0, 6).toString('hex'))).toEqual([
      '0500032a0201',
      '0500032a0202',
    ]);
  });
});
