import {
  type MoHandlerRule,
  addressKey,
  e164Of,
  keywordOf,
  renderReply,
  selectHandler,
} from './mo-routing';

const handler = (id: string, keyword: string): MoHandlerRule => ({
  id,
  tenantId: 'acme',
  destination: '1234',
  keyword,
  kind: 'webhook',
  url: 'https://hooks.example.org',
  replyTemplate: null,
});

describe(keywordOf.name, () => {
  it.each([
    ['BAL', 'BAL'],
    ['  bal please ', 'BAL'],
    ['Stop!', 'STOP'],
    ['stop.', 'STOP'],
    ['"info" now', 'INFO'],
    ['', ''],
    ['...', ''],
    ['Ćao drugari', 'ĆAO'],
  ])('%j -> %j', (text, keyword) => {
    expect(keywordOf(text)).toBe(keyword);
  });
});

describe(addressKey.name, () => {
  it('spells one number one way whatever prefix the carrier used', () => {
    expect(addressKey('+38267123456')).toBe(addressKey('0038267123456'));
    expect(addressKey('38267123456')).toBe('38267123456');
    expect(addressKey(' 1234 ')).toBe('1234');
    expect(addressKey('TuxHat')).toBe('TUXHAT');
  });
});

describe(selectHandler.name, () => {
  const handlers = [handler('catch-all', ''), handler('bal', 'BAL')];

  it('prefers the keyword handler and falls back to the catch-all', () => {
    expect(selectHandler(handlers, 'BAL')?.id).toBe('bal');
    expect(selectHandler(handlers, 'HELP')?.id).toBe('catch-all');
    expect(selectHandler(handlers, '')?.id).toBe('catch-all');
    expect(selectHandler([handler('bal', 'BAL')], 'HELP')).toBeUndefined();
  });
});

describe(renderReply.name, () => {
  it('fills in the MO fields', () => {
    expect(
      renderReply('Hi {from}, {keyword} at {to}: {text} {unknown}', {
        source: '+38267123456',
        destination: '1234',
        keyword: 'BAL',
        text: 'bal now',
      }),
    ).toBe('Hi +38267123456, BAL at 1234: bal now {unknown}');
  });
});

describe(e164Of.name, () => {
  it('reads international numbers and refuses short codes and names', () => {
    expect(e164Of('+38267123456')).toBe('+38267123456');
    expect(e164Of('38267123456')).toBe('+38267123456');
    expect(e164Of('1234')).toBeUndefined();
    expect(e164Of('TuxHat')).toBeUndefined();
  });
});
