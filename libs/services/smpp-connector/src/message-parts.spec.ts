import type { SmppSettings } from './smpp-carrier.repository';
import { DataCoding, EsmClass } from '@tuxhat/smpp';

import { concatReferenceFor, splitForSubmit } from './message-parts';

const DEFAULTS: Pick<SmppSettings, 'alphabets' | 'longMessages'> = {
  alphabets: ['gsm7', 'ucs2'],
  longMessages: 'udh8',
};

describe(splitForSubmit.name, () => {
  it('sends a short GSM-7 text as one part, data_coding 0x00, no UDH', () => {
    const { parts, encoding } = splitForSubmit(
      { messageId: 'm1', text: 'Your code is 1234', encoding: 'gsm7' },
      DEFAULTS,
    );
    expect(encoding).toBe('gsm7');
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({
      dataCoding: DataCoding.SMSC_DEFAULT,
      esmClass: EsmClass.DEFAULT,
    });
  });

  it('splits a long UCS-2 text into concatenated parts with the reference derived from the message id', () => {
    const text = 'Привет, это длинное сообщение. '.repeat(6);
    const { parts } = splitForSubmit({ messageId: 'm2', text, encoding: 'ucs2' }, DEFAULTS);
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

  it('uses a 16-bit reference for udh16 and SAR', () => {
    const text = 'a'.repeat(200);
    const udh16 = splitForSubmit(
      { messageId: 'm4', text, encoding: 'gsm7' },
      { ...DEFAULTS, longMessages: 'udh16' },
    );
    expect(udh16.parts[0]?.shortMessage.readUInt16BE(3)).toBe(concatReferenceFor('m4', 0xffff));
    const sar = splitForSubmit(
      { messageId: 'm4', text, encoding: 'gsm7' },
      { ...DEFAULTS, longMessages: 'sar' },
    );
    expect(sar.parts[0]?.sar).toEqual({
      reference: concatReferenceFor('m4', 0xffff),
      total: 2,
      sequence: 1,
    });
  });

  it("follows the carrier's alphabets: Latin-1 for accented text when it takes Latin-1", () => {
    const message = {
      messageId: 'm5',
      text: 'Olá, a sua encomenda chegou',
      encoding: 'ucs2',
    } as const;
    expect(splitForSubmit(message, DEFAULTS).dataCoding).toBe(DataCoding.UCS2);
    expect(
      splitForSubmit(message, { ...DEFAULTS, alphabets: ['gsm7', 'latin1', 'ucs2'] }).dataCoding,
    ).toBe(DataCoding.LATIN1);
  });

  it('falls back to UCS-2 when GSM-7 cannot carry the text', () => {
    expect(
      splitForSubmit({ messageId: 'm3', text: 'Zdravo 👋', encoding: 'gsm7' }, DEFAULTS).encoding,
    ).toBe('ucs2');
  });

  it('keeps the same concatenation reference for the same message', () => {
    expect(concatReferenceFor('m2')).toBe(concatReferenceFor('m2'));
    expect(concatReferenceFor('m2', 0xffff)).toBeLessThanOrEqual(0xffff);
  });
});
