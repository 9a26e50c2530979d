import { DataCoding, EsmClass } from '@tuxhat/smpp';

import { concatReferenceFor, splitForSubmit } from './message-parts';

describe(splitForSubmit.name, () => {
  it('sends a short GSM-7 text as one part, data_coding 0x00, no UDH', () => {
    const { parts, encoding } = splitForSubmit({
      messageId: 'm1',
      text: 'Your code is 1234',
      encoding: 'gsm7',
    });
    expect(encoding).toBe('gsm7');
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({
      dataCoding: DataCoding.SMSC_DEFAULT,
      esmClass: EsmClass.DEFAULT,
    });
  });

  it('splits a long UCS-2 text into concatenated parts with the reference derived from the message id', () => {
    const text = 'Привет, это длинное сообщение. '.repeat(6);
    const { parts } = splitForSubmit({ messageId: 'm2', text, encoding: 'ucs2' });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part).toMatchObject({
        dataCoding: DataCoding.UCS2,
        esmClass: EsmClass.UDHI,
        total: parts.length,
      });
      expect(part.shortMessage[3]).toBe(concatReferenceFor('m2')); // UDH: 05 00 03 <ref> <total> <seq>
    }
    expect(parts.map((part) => part.text).join('')).toBe(text);
  });

  it('falls back to UCS-2 when GSM-7 cannot carry the text', () => {
    expect(splitForSubmit({ messageId: 'm3', text: 'Zdravo 👋', encoding: 'gsm7' }).encoding).toBe(
      'ucs2',
    );
  });

  it('keeps the same concatenation reference for the same message', () => {
    expect(concatReferenceFor('m2')).toBe(concatReferenceFor('m2'));
  });
});
