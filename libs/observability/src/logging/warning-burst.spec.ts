import { WarningBurst } from './warning-burst';

describe('WarningBurst', () => {
  let lines: string[];
  let burst: WarningBurst;

  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    burst = new WarningBurst((line) => lines.push(line), 1_000);
  });

  afterEach(() => jest.useRealTimers());

  it('writes the first warning of a burst at once and sums up the rest at the end of the window', () => {
    burst.warn('receipt 1 not taken');
    burst.warn('receipt 2 not taken');
    burst.warn('receipt 3 not taken');
    expect(lines).toEqual(['receipt 1 not taken']);

    jest.advanceTimersByTime(1_000);
    expect(lines).toEqual([
      'receipt 1 not taken',
      '2 more like it in 1 s, the last: receipt 3 not taken',
    ]);
  });

  it('writes nothing more when the first warning was alone, and starts afresh after the window', () => {
    burst.warn('receipt 1 not taken');
    jest.advanceTimersByTime(1_000);
    burst.warn('receipt 2 not taken');

    expect(lines).toEqual(['receipt 1 not taken', 'receipt 2 not taken']);
  });

  it('says what it counted when flushed before the window ends', () => {
    burst.warn('receipt 1 not taken');
    burst.warn('receipt 2 not taken');
    burst.flush();
    jest.advanceTimersByTime(1_000);

    expect(lines).toEqual([
      'receipt 1 not taken',
      '1 more like it in 1 s, the last: receipt 2 not taken',
    ]);
  });
});
