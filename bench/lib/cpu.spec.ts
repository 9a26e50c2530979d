import { cpuByProcess, cpuOfStat, type CpuMeasurement } from './cpu';

function measured(byProcess: [string, number][]): CpuMeasurement<null> {
  const cpuMs = byProcess.reduce((sum, [, ms]) => sum + ms, 0);
  return {
    result: null,
    cpuMs,
    databaseCpuMs: null,
    harnessCpuMs: null,
    byProcess: new Map(byProcess),
  };
}

describe('cpuByProcess', () => {
  it('lists each process’s CPU per unit, the busiest first', () => {
    const cpu = measured([
      ['ingress', 250],
      ['dlr', 400],
      ['routing', 100],
    ]);
    expect(cpuByProcess(cpu, 1_000, 'message')).toBe(
      'dlr 0.400 ms, ingress 0.250 ms, routing 0.100 ms per message',
    );
  });

  it('says nothing for a single process, whose CPU is the CPU/msg column already', () => {
    expect(cpuByProcess(measured([['gateway', 300]]), 1_000, 'message')).toBe('');
  });
});

describe('cpuOfStat', () => {
  it('reads utime + stime and the waited-for children’s time, a command name with spaces included', () => {
    const stat = '4242 (node worker 1) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 20 5 20 0 11';
    expect(cpuOfStat(stat)).toEqual({ ownMs: 2_000, childrenMs: 250 });
  });
});
