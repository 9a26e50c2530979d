import { isQuiet } from './drain';

describe(isQuiet.name, () => {
  const window = 500;

  it('is quiet when every process used under 10% of a core in the window', () => {
    expect(
      isQuiet(
        new Map([
          [1, 49],
          [2, 0],
        ]),
        window,
      ),
    ).toBe(true);
    expect(
      isQuiet(
        new Map([
          [1, 49],
          [2, 50],
        ]),
        window,
      ),
    ).toBe(false);
  });

  it("counts from each process's idle chores, so a busy idle never reads as work", () => {
    // A gateway that uses 18% of a core doing nothing: quiet at 25%, busy at 30%.
    const idle = new Map([[1, 0.18]]);
    expect(isQuiet(new Map([[1, 125]]), window, { idle })).toBe(true);
    expect(isQuiet(new Map([[1, 150]]), window, { idle })).toBe(false);
    // Without the baseline it would never be quiet.
    expect(isQuiet(new Map([[1, 90]]), window)).toBe(false);
  });

  it('holds a process without a baseline (one started later) to the plain threshold', () => {
    const idle = new Map([[1, 0.5]]);
    expect(isQuiet(new Map([[2, 60]]), window, { idle })).toBe(false);
    expect(isQuiet(new Map([[2, 40]]), window, { idle })).toBe(true);
  });
});
