import type { SendWindow } from '@tuxhat/contracts';

import {
  CompiledWindow,
  intersectIntervals,
  mergeIntervals,
  stateFromIntervals,
} from './send-window';

const at = (iso: string) => new Date(iso).getTime();

function window(spec: Partial<SendWindow>, zone = 'UTC'): CompiledWindow {
  return new CompiledWindow(
    0,
    { classes: ['bulk'], from: '09:00', to: '20:00', outside: 'defer', ...spec },
    zone,
  );
}

describe(CompiledWindow.name, () => {
  it('is open inside the window and closed outside, with the next change', () => {
    const sut = window({}, 'Europe/Berlin');

    expect(sut.stateAt(at('2026-01-15T10:00:00Z'), ['Europe/Berlin'])).toEqual({
      open: true,
      changesAt: at('2026-01-15T19:00:00Z'),
    });
    expect(sut.stateAt(at('2026-01-15T19:00:00Z'), ['Europe/Berlin'])).toEqual({
      open: false,
      changesAt: at('2026-01-16T08:00:00Z'),
    });
  });

  it('handles a window crossing midnight, belonging to the day it starts', () => {
    // Fridays only, 22:00-06:00: open Friday night into Saturday morning, not Thursday night.
    const sut = window({ from: '22:00', to: '06:00', days: [5] });

    expect(sut.stateAt(at('2026-01-16T23:00:00Z'), ['UTC']).open).toBe(true); // Fri 23:00
    expect(sut.stateAt(at('2026-01-17T05:59:00Z'), ['UTC']).open).toBe(true); // Sat 05:59
    expect(sut.stateAt(at('2026-01-17T06:00:00Z'), ['UTC'])).toEqual({
      open: false,
      changesAt: at('2026-01-23T22:00:00Z'),
    });
    expect(sut.stateAt(at('2026-01-15T23:00:00Z'), ['UTC'])).toEqual({
      open: false,
      changesAt: at('2026-01-16T22:00:00Z'),
    });
  });

  it('opens on the next listed weekday', () => {
    const weekdays = window({ days: [1, 2, 3, 4, 5] });
    // Saturday 2026-01-17 10:00: next opening Monday 09:00.
    expect(weekdays.stateAt(at('2026-01-17T10:00:00Z'), ['UTC'])).toEqual({
      open: false,
      changesAt: at('2026-01-19T09:00:00Z'),
    });
  });

  it('treats equal from and to as the whole day', () => {
    const sut = window({ from: '00:00', to: '00:00', days: [6, 7] });
    expect(sut.stateAt(at('2026-01-17T12:00:00Z'), ['UTC']).open).toBe(true);
    expect(sut.stateAt(at('2026-01-16T23:59:00Z'), ['UTC']).changesAt).toBe(
      at('2026-01-17T00:00:00Z'),
    );
  });

  it('follows daylight saving: 09:00 local is 08:00 UTC in winter and 07:00 in summer', () => {
    const sut = window({}, 'Europe/Berlin');
    expect(sut.stateAt(at('2026-01-15T07:30:00Z'), ['Europe/Berlin']).changesAt).toBe(
      at('2026-01-15T08:00:00Z'),
    );
    expect(sut.stateAt(at('2026-07-15T06:30:00Z'), ['Europe/Berlin']).changesAt).toBe(
      at('2026-07-15T07:00:00Z'),
    );
  });

  it('is open only when open in every zone of a multi-zone destination', () => {
    const sut = window({ timeZone: 'destination' });
    const zones = ['America/New_York', 'America/Los_Angeles'];
    // 14:30 UTC: 09:30 in New York, 06:30 in Los Angeles: closed until LA opens at 17:00 UTC.
    expect(sut.stateAt(at('2026-01-15T14:30:00Z'), zones)).toEqual({
      open: false,
      changesAt: at('2026-01-15T17:00:00Z'),
    });
    // 18:00 UTC: open in both until New York closes at 01:00 UTC.
    expect(sut.stateAt(at('2026-01-15T18:00:00Z'), zones)).toEqual({
      open: true,
      changesAt: at('2026-01-16T01:00:00Z'),
    });
  });

  it('names itself for rejection reasons', () => {
    expect(window({ days: [1, 2] }, 'Europe/Berlin').rule).toBe(
      'windows[0] 09:00-20:00 Europe/Berlin days 1,2',
    );
  });
});

describe('intervals', () => {
  it('merges, intersects and locates', () => {
    expect(
      mergeIntervals([
        [5, 8],
        [1, 3],
        [3, 4],
        [7, 9],
      ]),
    ).toEqual([
      [1, 4],
      [5, 9],
    ]);
    expect(
      intersectIntervals(
        [
          [0, 10],
          [20, 30],
        ],
        [[5, 25]],
      ),
    ).toEqual([
      [5, 10],
      [20, 25],
    ]);
    expect(stateFromIntervals([[10, 20]], 5)).toEqual({ open: false, changesAt: 10 });
    expect(stateFromIntervals([[10, 20]], 25)).toEqual({ open: false, changesAt: null });
  });
});
