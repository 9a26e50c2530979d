import { availableParallelism } from 'node:os';

import { cpuByProcess, cpuCells, cpuOfStat, type CpuMeasurement, ipv4Mapped } from './cpu';

function measured(byProcess: [string, number][]): CpuMeasurement<null> {
  const cpuMs = byProcess.reduce((sum, [, ms]) => sum + ms, 0);
  return {
    result: null,
    cpuMs,
    databaseCpuMs: null,
    brokerCpuMs: null,
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

describe('cpuCells', () => {
  it('counts the Kafka brokers in the machine ceiling, as it counts PostgreSQL and the harness', () => {
    const cpu = { ...measured([['ingress', 500]]), databaseCpuMs: 200, brokerCpuMs: 300 };
    const cells = cpuCells({ ...cpu, harnessCpuMs: 0 }, 1_000, 'msg');
    expect(cells['Kafka CPU/msg']).toBe('0.300 ms');
    // 1 ms per message in all: a thousand per second per core.
    expect(cells['machine ceiling']).toBe(
      `${(availableParallelism() * 1_000).toLocaleString('en-US')}/s`,
    );
  });

  it('shows no Kafka column value for a system without brokers', () => {
    expect(cpuCells(measured([['gateway', 300]]), 1_000, 'msg')['Kafka CPU/msg']).toBe('–');
  });
});

describe('cpuOfStat', () => {
  it('reads utime + stime and the waited-for children’s time, a command name with spaces included', () => {
    const stat = '4242 (node worker 1) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 20 5 20 0 11';
    expect(cpuOfStat(stat)).toEqual({ ownMs: 2_000, childrenMs: 250 });
  });
});

describe('ipv4Mapped', () => {
  it('writes an IPv4-mapped address of /proc/net/tcp6 as /proc/net/tcp writes the IPv4 one', () => {
    expect(ipv4Mapped('0000000000000000FFFF00000100007F:2384')).toBe('0100007F:2384');
  });

  it('leaves IPv4 and other IPv6 addresses alone', () => {
    expect(ipv4Mapped('0100007F:2384')).toBe('0100007F:2384');
    expect(ipv4Mapped('00000000000000000000000001000000:1538')).toBe(
      '00000000000000000000000001000000:1538',
    );
  });
});
