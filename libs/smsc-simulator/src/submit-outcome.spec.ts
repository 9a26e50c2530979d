import { decideSubmitStatus } from './submit-outcome';

describe(decideSubmitStatus.name, () => {
  const rates = { throttleRate: 0.1, errorRate: 0.2, errorStatus: 0x45 };

  it.each([
    [0, 0x58],
    [0.0999, 0x58],
    [0.1, 0x45],
    [0.2999, 0x45],
    [0.30001, 0],
    [0.9999, 0],
  ])('draw %f -> status 0x%s', (draw, status) => {
    expect(decideSubmitStatus(rates, () => draw)).toBe(status);
  });

  it('never fails with both rates at 0', () => {
    expect(decideSubmitStatus({ throttleRate: 0, errorRate: 0, errorStatus: 0x45 }, () => 0)).toBe(
      0,
    );
  });
});
