import type { CarrierRow } from '@tuxhat/connector-kit';

import { newAccountGroups, smscAccountsOf } from './smsc-accounts';

/** An SMPP carrier row on `systemId` at host:port, with whatever settings the test changes. */
function smppRow(
  id: string,
  account: { host?: string; port?: number; systemId?: string } = {},
  extra: { enabled?: boolean; settings?: Record<string, unknown> } = {},
): CarrierRow {
  return {
    id,
    name: id,
    kind: 'smpp',
    enabled: extra.enabled ?? true,
    config: {
      smpp: {
        host: account.host ?? 'smsc.example',
        port: account.port ?? 2775,
        systemId: account.systemId ?? 'shared',
        password: { env: 'SMPP_PASSWORD' },
        ...extra.settings,
      },
    },
  };
}

describe('smscAccountsOf', () => {
  it('groups the carriers of one account, sorted, each pointing at the same list', () => {
    const accounts = smscAccountsOf([smppRow('zeta'), smppRow('alpha'), smppRow('mid')]);
    expect(accounts.get('alpha')).toEqual(['alpha', 'mid', 'zeta']);
    expect(accounts.get('zeta')).toBe(accounts.get('alpha'));
    expect(accounts.size).toBe(3);
  });

  it('tells accounts apart by host, port and system_id, and leaves a carrier alone on its own out', () => {
    const accounts = smscAccountsOf([
      smppRow('a1'),
      smppRow('a2'),
      smppRow('other-host', { host: 'smsc2.example' }),
      smppRow('other-port', { port: 2776 }),
      smppRow('other-id', { systemId: 'another' }),
      smppRow('b1', { systemId: 'another', port: 2776 }),
      smppRow('b2', { systemId: 'another', port: 2776 }),
    ]);
    expect(accounts.get('a1')).toEqual(['a1', 'a2']);
    expect(accounts.get('b2')).toEqual(['b1', 'b2']);
    for (const alone of ['other-host', 'other-port', 'other-id']) {
      expect(accounts.get(alone)).toBe(undefined);
    }
  });

  it('counts disabled carriers, whose earlier messages still get receipts', () => {
    const accounts = smscAccountsOf([smppRow('live'), smppRow('off', {}, { enabled: false })]);
    expect(accounts.get('live')).toEqual(['live', 'off']);
  });

  it('leaves out rows whose settings do not validate, and carriers of other kinds', () => {
    const accounts = smscAccountsOf([
      smppRow('good'),
      smppRow('bad-window', {}, { settings: { windowSize: 0 } }),
      smppRow('bad-port', {}, { settings: { port: 'not a port' } }),
      { id: 'no-settings', name: 'no-settings', kind: 'smpp', enabled: true, config: {} },
      { id: 'null-config', name: 'null-config', kind: 'smpp', enabled: true, config: null },
      // An SNS row, even one whose config carried SMPP settings, names no SMSC account.
      { ...smppRow('sns-one'), kind: 'sns' },
    ]);
    expect(accounts.get('good')).toBe(undefined);
    expect(accounts.size).toBe(0);
  });

  it('gives nothing for no rows, or a single carrier', () => {
    expect(smscAccountsOf([]).size).toBe(0);
    expect(smscAccountsOf([smppRow('only')]).size).toBe(0);
  });
});

describe('newAccountGroups', () => {
  it('names each account group that is new or changed once, and none that stayed the same', () => {
    const before = smscAccountsOf([
      smppRow('a1'),
      smppRow('a2'),
      smppRow('b1', { systemId: 'b' }),
      smppRow('b2', { systemId: 'b' }),
    ]);
    const after = smscAccountsOf([
      smppRow('a1'),
      smppRow('a2'),
      smppRow('a3'),
      smppRow('b1', { systemId: 'b' }),
      smppRow('b2', { systemId: 'b' }),
    ]);
    expect(newAccountGroups(before, after)).toEqual([['a1', 'a2', 'a3']]);
    expect(newAccountGroups(after, after)).toEqual([]);
    expect(newAccountGroups(new Map(), before)).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
  });
});
