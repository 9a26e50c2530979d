import {
  type CurrentCarrier,
  type HeldCarrier,
  changedSettingKeys,
  planCarrierChanges,
} from './carrier-changes';

interface Settings {
  readonly host: string;
  readonly port: number;
  readonly throughput: { readonly perBind?: number };
}

const settings = (overrides: Partial<Settings> = {}): Settings => ({
  host: '10.0.0.1',
  port: 2775,
  throughput: {},
  ...overrides,
});

const running = (value: Settings): HeldCarrier<Settings> => ({ running: true, settings: value });

function row(id: string, value: Settings, enabled = true): CurrentCarrier<Settings> {
  return { id, enabled, check: { ok: true, carrier: { id, name: id, settings: value } } };
}

function invalid(id: string, problems: string[], enabled = true): CurrentCarrier<Settings> {
  return { id, enabled, check: { ok: false, problems } };
}

describe('planCarrierChanges', () => {
  it('leaves a carrier alone whose settings are equal by value (a re-save changes nothing)', () => {
    const held = new Map([['a', running(settings({ throughput: { perBind: 5 } }))]]);
    expect(planCarrierChanges(held, [row('a', settings({ throughput: { perBind: 5 } }))])).toEqual(
      [],
    );
  });

  it('replaces a running carrier whose settings changed, nested keys included, and only that one', () => {
    const held = new Map([
      ['a', running(settings())],
      ['b', running(settings())],
    ]);
    const changed = settings({ throughput: { perBind: 10 } });
    expect(planCarrierChanges(held, [row('a', changed), row('b', settings())])).toEqual([
      { kind: 'changed', carrier: { id: 'a', name: 'a', settings: changed } },
    ]);
  });

  it('stops a running carrier that was disabled, or removed from the table', () => {
    const held = new Map([
      ['a', running(settings())],
      ['b', running(settings())],
    ]);
    expect(planCarrierChanges(held, [row('a', settings(), false)])).toEqual([
      { kind: 'disabled', id: 'a', reason: 'disabled' },
      { kind: 'disabled', id: 'b', reason: 'removed' },
    ]);
  });

  it('starts a stopped carrier enabled again, with its current settings', () => {
    const held = new Map([['a', { running: false, settings: settings() }]]);
    const now = settings({ port: 2776 });
    expect(planCarrierChanges(held, [row('a', now)])).toEqual([
      { kind: 'enabled', carrier: { id: 'a', name: 'a', settings: now } },
    ]);
  });

  it('does nothing for a stopped carrier that stays disabled or gone', () => {
    const held = new Map([
      ['a', { running: false, settings: settings() }],
      ['b', { running: false, settings: settings() }],
    ]);
    expect(planCarrierChanges(held, [row('a', settings({ port: 1 }), false)])).toEqual([]);
  });

  it('rejects invalid settings of an enabled carrier, running or stopped, with their problems', () => {
    const held = new Map([
      ['a', running(settings())],
      ['b', { running: false, settings: settings() }],
    ]);
    const problems = ['carriers[a].smpp.port: Too big'];
    expect(
      planCarrierChanges(held, [invalid('a', problems), invalid('b', ['carriers[b].smpp: x'])]),
    ).toEqual([
      { kind: 'rejected', id: 'a', problems },
      { kind: 'rejected', id: 'b', problems: ['carriers[b].smpp: x'] },
    ]);
  });

  it('disables a carrier whose invalid settings come with disabling it (nothing to validate)', () => {
    const held = new Map([['a', running(settings())]]);
    expect(planCarrierChanges(held, [invalid('a', ['x'], false)])).toEqual([
      { kind: 'disabled', id: 'a', reason: 'disabled' },
    ]);
  });

  it('adds enabled valid carriers the pod does not hold, rejects invalid ones, ignores disabled ones', () => {
    const held = new Map([['a', running(settings())]]);
    expect(
      planCarrierChanges(held, [
        row('a', settings()),
        row('new', settings()),
        row('off', settings(), false),
        invalid('broken', ['x']),
        invalid('broken-off', ['x'], false),
      ]),
    ).toEqual([
      { kind: 'added', carrier: { id: 'new', name: 'new', settings: settings() } },
      { kind: 'rejected', id: 'broken', problems: ['x'] },
    ]);
  });
});

describe('changedSettingKeys', () => {
  it('names the top-level keys that differ, added or removed ones too, never values', () => {
    expect(
      changedSettingKeys(
        { host: 'a', port: 1, password: { env: 'A' }, tls: { caFile: 'x' } },
        { host: 'a', port: 2, password: { env: 'B' }, windowSize: 5 },
      ),
    ).toEqual(['password', 'port', 'tls', 'windowSize']);
  });
});
