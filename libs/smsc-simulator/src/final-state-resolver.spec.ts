import { FinalStateResolver } from './final-state-resolver';

describe(FinalStateResolver.name, () => {
  const sut = new FinalStateResolver('DELIVRD', {
    '4477': 'EXPIRED',
    '4477009': 'UNDELIV',
    '+33': 'REJECTD',
  });

  it.each([
    ['447700900123', 'UNDELIV'],
    ['447712345678', 'EXPIRED'],
    ['+447700900123', 'UNDELIV'],
    ['33612345678', 'REJECTD'],
    ['491701234567', 'DELIVRD'],
  ])('%s -> %s (longest prefix wins, + ignored)', (destination, stat) => {
    expect(sut.resolve(destination)).toBe(stat);
  });
});
