import { analyseText } from './text-analysis';

describe(analyseText.name, () => {
  it.each([
    ['empty text is one GSM part', '', { encoding: 'gsm7', units: 0, parts: 1 }],
    ['160 GSM septets fit one part', 'a'.repeat(160), { encoding: 'gsm7', units: 160, parts: 1 }],
    ['161 GSM septets need two', 'a'.repeat(161), { encoding: 'gsm7', units: 161, parts: 2 }],
    [
      'an extension char counts two septets (158+2 = 160)',
      'a'.repeat(158) + '€',
      { encoding: 'gsm7', units: 160, parts: 1 },
    ],
    [
      '159 + € = 161 septets needs two parts',
      'a'.repeat(159) + '€',
      { encoding: 'gsm7', units: 161, parts: 2 },
    ],
    [
      '306 septets are exactly two parts of 153',
      'a'.repeat(306),
      { encoding: 'gsm7', units: 306, parts: 2 },
    ],
    ['307 septets need a third part', 'a'.repeat(307), { encoding: 'gsm7', units: 307, parts: 3 }],
    ['70 UCS-2 units fit one part', 'Ж'.repeat(70), { encoding: 'ucs2', units: 70, parts: 1 }],
    ['71 UCS-2 units need two', 'Ж'.repeat(71), { encoding: 'ucs2', units: 71, parts: 2 }],
    ['an emoji costs two units', 'a'.repeat(68) + '😀', { encoding: 'ucs2', units: 70, parts: 1 }],
    [
      '134 UCS-2 units are exactly two parts of 67',
      'Ж'.repeat(134),
      { encoding: 'ucs2', units: 134, parts: 2 },
    ],
  ])('%s', (_label, text, expected) => {
    expect(analyseText(text)).toEqual(expected);
  });

  it('counts the parts the splitter makes when escapes push a character over a boundary', () => {
    // 152 septets + € (2) cannot share a 153-septet part: part 1 holds 152, so 152 + 153 + 1 = 3 parts
    // where a naive units/153 would say 2.
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(152);
    expect(analyseText(text)).toEqual({ encoding: 'gsm7', units: 306, parts: 3 });
  });

  it('counts the parts the splitter makes when a surrogate pair straddles a boundary', () => {
    // 66 units + emoji (2) cannot share a 67-unit part; naive ceil(134/67) = 2 would be wrong.
    const text = 'Ж'.repeat(66) + '😀' + 'Ж'.repeat(66);
    expect(analyseText(text)).toEqual({ encoding: 'ucs2', units: 134, parts: 3 });
  });
});
