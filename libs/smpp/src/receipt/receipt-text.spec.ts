import { formatReceiptText, parseReceiptDate, parseReceiptText } from './receipt-text';

const submitDate = new Date(Date.UTC(2026, 10, 25, 21, 58, 31));
const doneDate = new Date(Date.UTC(2026, 10, 25, 21, 59, 2));

describe(formatReceiptText.name, () => {
  it('writes the SMPP 3.4 Appendix B format', () => {
    expect(
      formatReceiptText({
        id: '0A1B2C3D',
        submitDate,
        doneDate,
        stat: 'DELIVRD',
        text: 'Your code is 123456, valid 5 min',
      }),
    ).toBe(
      'id:0A1B2C3D sub:001 dlvrd:001 submit date:2611252158 done date:2611252159 stat:DELIVRD err:000 text:Your code is 123456,',
    );
  });

  it('defaults dlvrd to 0 for a failure and pads err to three digits', () => {
    expect(formatReceiptText({ id: '42', submitDate, doneDate, stat: 'UNDELIV', err: 1 })).toBe(
      'id:42 sub:001 dlvrd:000 submit date:2611252158 done date:2611252159 stat:UNDELIV err:001 text:',
    );
  });
});

describe(parseReceiptText.name, () => {
  it('parses what formatReceiptText writes', () => {
    const text = formatReceiptText({
      id: '0A1B2C3D',
      submitDate,
      doneDate,
      stat: 'EXPIRED',
      err: 27,
      text: 'hello',
    });
    expect(parseReceiptText(text)).toEqual({
      id: '0A1B2C3D',
      sub: 1,
      dlvrd: 0,
      submitDate: new Date(Date.UTC(2026, 10, 25, 21, 58)),
      doneDate: new Date(Date.UTC(2026, 10, 25, 21, 59)),
      stat: 'EXPIRED',
      state: 'expired',
      err: '027',
      text: 'hello',
    });
  });

  it('is case-insensitive in keys and stat', () => {
    const parsed = parseReceiptText(
      'ID:123 SUB:001 DLVRD:001 SUBMIT DATE:2611252158 DONE DATE:2611252159 Stat:delivrd ERR:000 Text:x',
    );
    expect(parsed).toMatchObject({ id: '123', stat: 'DELIVRD', state: 'delivered', text: 'x' });
    expect(parsed?.doneDate).toEqual(new Date(Date.UTC(2026, 10, 25, 21, 59)));
  });

  it('tolerates missing fields, other separators and dates with seconds', () => {
    expect(parseReceiptText('id:77 submit_date:261125215831 stat:UNDELIV')).toEqual({
      id: '77',
      submitDate: submitDate,
      stat: 'UNDELIV',
      state: 'undeliverable',
    });
  });

  it('does not read fields out of the message text', () => {
    expect(parseReceiptText('id:1 stat:DELIVRD text:stat:REJECTD id:999')).toMatchObject({
      id: '1',
      state: 'delivered',
      text: 'stat:REJECTD id:999',
    });
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['EXPIRED', 'expired'],
    ['DELETED', 'deleted'],
    ['UNDELIV', 'undeliverable'],
    ['ACCEPTD', 'accepted'],
    ['UNKNOWN', 'unknown'],
    ['REJECTD', 'rejected'],
    ['ENROUTE', 'enroute'],
    ['DELIVERED', 'delivered'],
    ['WHATEVER', 'unknown'],
  ])('maps stat %s to %s', (stat, state) => {
    expect(parseReceiptText(`id:1 stat:${stat}`)?.state).toBe(state);
  });

  it('returns undefined for text that is not a receipt', () => {
    expect(parseReceiptText('BAL')).toBeUndefined();
  });
});

describe('parseReceiptText on the canonical head', () => {
  // A leading space keeps a head off the one-match path (it must start with "id:"), so the
  // field-by-field patterns read the same fields: both paths must agree.
  it.each([
    'id:0A1B2C3D sub:001 dlvrd:001 submit date:2611252158 done date:2611252159 stat:DELIVRD err:000 text:hi',
    'id:42 sub:001 dlvrd:000 submit date:261125215831 done date:261125215902 stat:UNDELIV err:001 text:',
    'id:x sub:1 dlvrd:0 submit date:26112521581 done date:2613322500 stat:bogus err:abc text:id:9 stat:X',
    'id:7 sub:001 dlvrd:001 submit date:2611252158 done date:2611252159 stat:DELIVRD err:000',
    'id:a:b sub:002 dlvrd:002 submit date:2611252158 done date:2611252159 stat:ACCEPTD err:-',
  ])('%s', (canonical) => {
    const parsed = parseReceiptText(canonical);
    expect(parsed?.id).toBeDefined();
    expect(parsed).toEqual(parseReceiptText(` ${canonical}`));
  });
});

describe(parseReceiptDate.name, () => {
  it('rejects impossible dates instead of rolling them over', () => {
    expect(parseReceiptDate('2613322500')).toBeUndefined();
    expect(parseReceiptDate('26022912')).toBeUndefined();
  });

  it('reads YYMMDDhhmm and YYMMDDhhmmss as UTC, and nothing else', () => {
    expect(parseReceiptDate('2611251001')).toEqual(new Date('2026-11-25T10:01:00Z'));
    expect(parseReceiptDate('261125100159')).toEqual(new Date('2026-11-25T10:01:59Z'));
    expect(parseReceiptDate('26112510015')).toBeUndefined();
    expect(parseReceiptDate('26112510x1')).toBeUndefined();
    expect(parseReceiptDate('+611251001')).toBeUndefined();
    expect(parseReceiptDate(undefined)).toBeUndefined();
  });
});
