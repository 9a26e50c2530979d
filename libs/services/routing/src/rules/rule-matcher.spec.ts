import type { MessageFields } from '@tuxhat/contracts';

import { message, routeRow } from '../config/routing-config.fixture';
import { MessageFacts, firstWord } from './message-facts';
import { NumberRangeIndex } from './number-ranges';
import { compileContentPattern } from '@tuxhat/contracts';

import { type RouteRow, compileRule } from './routing-rule';
import { ruleMatches } from './rule-matcher';

const ranges = new NumberRangeIndex([
  { prefix: '38267', network: 'ME-Telenor' },
  { prefix: '38269', network: 'ME-Crnogorski' },
]);
const friday10utc = new Date('2026-11-27T10:00:00Z');

function matches(
  rule: Partial<RouteRow>,
  overrides: Partial<MessageFields> = {},
  now = friday10utc,
): boolean {
  return ruleMatches(
    compileRule(routeRow({ id: 'r', ...rule })),
    new MessageFacts(message(overrides), ranges, now),
  );
}

describe(ruleMatches.name, () => {
  it('matches anything when the rule sets no condition', () => {
    expect(matches({})).toBe(true);
  });

  it('tenant', () => {
    expect(matches({ tenantId: 'acme' })).toBe(true);
    expect(matches({ tenantId: 'shop' })).toBe(false);
  });

  it('class of service, a message without one being transactional', () => {
    expect(matches({ classOfService: 'otp' }, { priority: 'otp' })).toBe(true);
    expect(matches({ classOfService: 'otp' }, { priority: 'bulk' })).toBe(false);
    expect(matches({ classOfService: 'transactional' })).toBe(true);
  });

  it('destination prefix, with or without "+"', () => {
    expect(matches({ destinationPrefix: '+38267' })).toBe(true);
    expect(matches({ destinationPrefix: '38267' })).toBe(true);
    expect(matches({ destinationPrefix: '+49' })).toBe(false);
  });

  it('country of the destination, as libphonenumber resolves it', () => {
    expect(matches({ country: 'ME' })).toBe(true);
    expect(matches({ country: 'me' })).toBe(true);
    expect(matches({ country: 'DE' })).toBe(false);
    expect(matches({ country: 'DE' }, { destination: '+4915112345678' })).toBe(true);
  });

  it('network of the destination, from the number ranges', () => {
    expect(matches({ network: 'ME-Telenor' })).toBe(true);
    expect(matches({ network: 'me-telenor' })).toBe(true);
    expect(matches({ network: 'ME-Crnogorski' })).toBe(false);
    expect(matches({ network: 'ME-Telenor' }, { destination: '+4915112345678' })).toBe(false);
  });

  it('sender, ignoring case', () => {
    expect(matches({ sender: 'acme' })).toBe(true);
    expect(matches({ sender: 'ACME-BANK' })).toBe(false);
  });

  it('short code, as the sender or the destination', () => {
    expect(matches({ shortCode: '1234' }, { source: '1234' })).toBe(true);
    expect(matches({ shortCode: '1234' }, { source: 'ACME' })).toBe(false);
    expect(matches({ shortCode: '38267123456' })).toBe(true);
  });

  it('keyword: the first word of the text, ignoring case', () => {
    expect(matches({ keyword: 'BAL' }, { text: 'bal 1234' })).toBe(true);
    expect(matches({ keyword: 'BAL' }, { text: '  Bal' })).toBe(true);
    expect(matches({ keyword: 'BAL' }, { text: 'BALANCE please' })).toBe(false);
    expect(matches({ keyword: 'BAL' }, { text: 'my BAL' })).toBe(false);
  });

  it('content pattern: bare, or slashed with flags', () => {
    expect(matches({ contentPattern: '\\b\\d{6}\\b' })).toBe(true);
    expect(matches({ contentPattern: '^promo' }, { text: 'PROMO -50%' })).toBe(false);
    expect(matches({ contentPattern: '/^promo/i' }, { text: 'PROMO -50%' })).toBe(true);
    expect(matches({ contentPattern: '/Grüße 🙂$/u' }, { text: 'Liebe Grüße 🙂' })).toBe(true);
  });

  it('time window, in its zone', () => {
    const office = { windowStart: '09:00', windowEnd: '17:00', timeZone: 'Europe/Berlin' };
    expect(matches(office)).toBe(true); // Friday 11:00 in Berlin
    expect(matches(office, {}, new Date('2026-11-27T17:00:00Z'))).toBe(false); // 18:00
    expect(matches({ ...office, windowDays: [6, 7] })).toBe(false); // weekends only
    expect(matches({ windowStart: '09:00', windowEnd: '10:00' })).toBe(false); // UTC: 10:00
  });

  it('needs every condition it sets', () => {
    const rule = { tenantId: 'acme', keyword: 'bal', shortCode: '1234' };
    expect(matches(rule, { source: '1234', text: 'BAL' })).toBe(true);
    expect(matches(rule, { source: '1234', text: 'STOP' })).toBe(false);
    expect(matches(rule, { source: '9999', text: 'BAL' })).toBe(false);
    expect(matches(rule, { tenantId: 'shop', source: '1234', text: 'BAL' })).toBe(false);
  });
});

describe(compileRule.name, () => {
  it('refuses rows it cannot use, naming the field', () => {
    expect(() => compileRule(routeRow({ id: 'r', contentPattern: '(' }))).toThrow('contentPattern');
    expect(() => compileRule(routeRow({ id: 'r', classOfService: 'urgent' }))).toThrow(
      'classOfService',
    );
    expect(() => compileRule(routeRow({ id: 'r', destinationPrefix: '+38x' }))).toThrow(
      'destinationPrefix',
    );
    expect(() => compileRule(routeRow({ id: 'r', windowStart: '09:00' }))).toThrow('windowEnd');
    expect(() =>
      compileRule(routeRow({ id: 'r', carrierId: 'telco-a', serverGroupId: 'g' })),
    ).toThrow('exactly one');
    expect(() => compileRule(routeRow({ id: 'r', carrierId: null }))).toThrow('exactly one');
  });

  it('refuses stateful regex flags', () => {
    expect(() => compileContentPattern('/x/g')).toThrow('flag(s) g not allowed');
    expect(() => compileContentPattern('/x/iy')).toThrow('flag(s) y not allowed');
    expect(compileContentPattern('/x/is').flags).toBe('isu');
  });
});

describe(firstWord.name, () => {
  it('takes the first run of non-space characters', () => {
    expect(firstWord('  BAL 1234')).toBe('BAL');
    expect(firstWord('STOP')).toBe('STOP');
    expect(firstWord('   ')).toBe('');
  });
});
