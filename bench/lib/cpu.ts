import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import type { SimulatorProcess } from '@tuxhat/system-harness';

import { fmt } from './report';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) a process has used so far, in milliseconds; from /proc. */
export function cpuMillisOf(pid: number): number {
  return cpuOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ownMs;
}

/**
 * The CPU milliseconds in one /proc/<pid>/stat line: the process's own (utime + stime), and
 * that of its children it has waited for (cutime + cstime), which is how a wrapper shell sees
 * the CPU of a child that has already exited (bench/lib/wrk.ts).
 */
export function cpuOfStat(stat: string): { ownMs: number; childrenMs: number } {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (a: number, b: number) =>
    ((Number(fields[a]) + Number(fields[b])) * 1000) / TICKS_PER_SECOND;
  const cpu = { ownMs: ms(11, 12), childrenMs: ms(13, 14) };
  if (!Number.isFinite(cpu.ownMs) || !Number.isFinite(cpu.childrenMs)) {
    throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  }
  return cpu;
}

export interface CpuMeasurement<T> {
  readonly result: T;
  /** CPU milliseconds of the measured processes. */
  readonly cpuMs: number;
  /**
   * CPU milliseconds of the PostgreSQL backends serving them (a server on this machine), or
   * null when they have none here (Kannel, PGlite in-process, a remote server).
   */
  readonly databaseCpuMs: number | null;
  /**
   * CPU milliseconds of the Kafka brokers serving them (on this machine: each is one JVM
   * process, all its threads), or null when they use none (every mode but cluster).
   */
  readonly brokerCpuMs: number | null;
  /** CPU milliseconds of the harness (see harnessCpu), when a simulator was given. */
  readonly harnessCpuMs: number | null;
  /** CPU milliseconds of each measured process, by its name (processNameOf), summed by name. */
  readonly byProcess: ReadonlyMap<string, number>;
}

/**
 * CPU milliseconds a set of processes, their PostgreSQL backends and their Kafka brokers used
 * while `work` ran.
 */
export async function measureCpu<T>(
  pids: readonly number[],
  work: () => Promise<T>,
  harnessOf?: SimulatorProcess,
): Promise<CpuMeasurement<T>> {
  const harness = harnessOf && harnessCpu(harnessOf);
  const before = pids.map(cpuMillisOf);
  const serversBefore = serversOf(pids);
  const result = await work();
  const harnessCpuMs = harness ? harness.stop() : null;
  const after = pids.map(cpuMillisOf);
  const serversAfter = serversOf(pids);
  // A backend that started during the work counts whole; one that ended during it is missed
  // (the gateway's pool keeps its connections while busy).
  const databaseCpuMs = cpuSince(serversBefore.postgres, serversAfter.postgres);
  const brokerCpuMs = cpuSince(serversBefore.java, serversAfter.java);
  const byProcess = new Map<string, number>();
  pids.forEach((pid, i) => {
    const name = processNameOf(pid);
    byProcess.set(name, (byProcess.get(name) ?? 0) + (after[i] ?? 0) - (before[i] ?? 0));
  });
  return {
    result,
    cpuMs: after.reduce((sum, value, i) => sum + value - (before[i] ?? 0), 0),
    databaseCpuMs,
    brokerCpuMs,
    harnessCpuMs,
    byProcess,
  };
}

/** What the processes measured `after` used since `before` (null when there are none). */
function cpuSince(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number | null {
  let total: number | null = null;
  for (const [pid, cpu] of after) total = (total ?? 0) + cpu - (before.get(pid) ?? 0);
  return total;
}

/** A gateway process's service: `apps/<name>/` in its command line, else its command name. */
export function processNameOf(pid: number): string {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    const app = /\bapps\/([\w-]+)\//.exec(commandLine);
    if (app) return app[1];
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return `pid ${pid}`;
  }
}

/**
 * Each process's CPU per `unit`, the busiest first (`dlr 0.312 ms, ingress 0.254 ms, ...`): where
 * a multi-process system's CPU per message goes. Empty for a single process.
 */
export function cpuByProcess(
  { byProcess }: CpuMeasurement<unknown>,
  count: number,
  unit: string,
): string {
  if (byProcess.size < 2) return '';
  return [...byProcess]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${fmt.cpu(ms / Math.max(1, count))}`)
    .join(', ')
    .concat(` per ${unit}`);
}

function cpuOfEach(pids: readonly number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      cpu.set(pid, cpuMillisOf(pid));
    } catch {
      // ended in between
    }
  }
  return cpu;
}

/** The servers measureCpu counts, by command name: PostgreSQL's backends, a Kafka broker (JVM). */
const SERVER_COMMANDS = ['postgres', 'java'] as const;
type ServerCommand = (typeof SERVER_COMMANDS)[number];

/**
 * The CPU so far of the local processes at the other end of the clients' TCP connections, by
 * command (SERVER_COMMANDS), in one walk of /proc: a client socket's local port is the server
 * socket's remote port in /proc/net/tcp, and the server socket belongs to the server process.
 * PostgreSQL backends of other clients (other benches) are not counted; a broker counts whole.
 */
function serversOf(clientPids: readonly number[]): Record<ServerCommand, Map<number, number>> {
  const servers = { postgres: [] as number[], java: [] as number[] };
  for (const [command, pid] of serverProcessesOf(clientPids)) servers[command].push(pid);
  return { postgres: cpuOfEach(servers.postgres), java: cpuOfEach(servers.java) };
}

function serverProcessesOf(clientPids: readonly number[]): [ServerCommand, number][] {
  const sockets = tcpSockets();
  const clientPorts = new Set<string>();
  for (const pid of clientPids) {
    for (const inode of socketInodesOf(pid)) {
      const socket = sockets.byInode.get(inode);
      if (socket) clientPorts.add(`${socket.local}>${socket.remote}`);
    }
  }
  if (clientPorts.size === 0) return [];
  const servers: [ServerCommand, number][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!isServerCommand(command)) continue;
    for (const inode of socketInodesOf(pid)) {
      const socket = sockets.byInode.get(inode);
      // The server side of one of our connections: its remote end is our local end.
      if (socket && clientPorts.has(`${socket.remote}>${socket.local}`)) {
        servers.push([command, pid]);
        break;
      }
    }
  }
  return servers;
}

function isServerCommand(command: string): command is ServerCommand {
  return (SERVER_COMMANDS as readonly string[]).includes(command);
}

function socketInodesOf(pid: number): string[] {
  const inodes: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[')) inodes.push(target.slice(8, -1));
    } catch {
      // closed in between
    }
  }
  return inodes;
}

/** Established TCP sockets (IPv4 and IPv6) by inode, addresses as /proc writes them. */
function tcpSockets(): { byInode: Map<string, { local: string; remote: string }> } {
  const byInode = new Map<string, { local: string; remote: string }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      byInode.set(fields[9], { local: ipv4Mapped(fields[1]), remote: ipv4Mapped(fields[2]) });
    }
  }
  return { byInode };
}

/**
 * An IPv4-mapped IPv6 address as /proc/net/tcp6 writes it (`0000000000000000FFFF0000` and the
 * IPv4 address), written as /proc/net/tcp writes that IPv4 address: a JVM (the Kafka broker)
 * accepts IPv4 clients on an IPv6 socket, and its end must match the client's.
 */
export function ipv4Mapped(address: string): string {
  const prefix = '0000000000000000FFFF0000';
  return address.toUpperCase().startsWith(prefix) ? address.slice(prefix.length) : address;
}

/**
 * The CPU the bench itself spends while it measures, in milliseconds: this process (the load
 * generator, and the webhook receiver where there is one) and the carrier's simulator. They
 * share the machine with the system under test, so together with the gateway's and
 * PostgreSQL's columns they are the whole budget of a message on these cores.
 */
export function harnessCpu(simulator: SimulatorProcess): { stop(): number } {
  const simulatorPid = simulator.process.pid;
  const simulatorBefore = simulatorPid === undefined ? 0 : cpuMillisOf(simulatorPid);
  const loadBefore = process.cpuUsage();
  return {
    stop() {
      const load = process.cpuUsage(loadBefore);
      const simulatorMs =
        simulatorPid === undefined ? 0 : cpuMillisOf(simulatorPid) - simulatorBefore;
      return (load.user + load.system) / 1000 + simulatorMs;
    },
  };
}

/**
 * The CPU columns of a saturation row, per `unit` (msg, receipt) over `count` of them: the
 * system's, its PostgreSQL backends', its Kafka brokers', the harness's, and the machine ceiling
 * they imply: the most per second this machine could carry at these costs, every core busy.
 */
export function cpuCells(
  { cpuMs, databaseCpuMs, brokerCpuMs, harnessCpuMs }: CpuMeasurement<unknown>,
  count: number,
  unit: string,
): Record<string, string> {
  const per = (ms: number) => ms / Math.max(1, count);
  const total = per(cpuMs + (databaseCpuMs ?? 0) + (brokerCpuMs ?? 0) + (harnessCpuMs ?? 0));
  return {
    [`CPU/${unit}`]: fmt.cpu(per(cpuMs)),
    [`PostgreSQL CPU/${unit}`]: databaseCpuMs === null ? '–' : fmt.cpu(per(databaseCpuMs)),
    [`Kafka CPU/${unit}`]: brokerCpuMs === null ? '–' : fmt.cpu(per(brokerCpuMs)),
    [`harness CPU/${unit}`]: harnessCpuMs === null ? '–' : fmt.cpu(per(harnessCpuMs)),
    'machine ceiling': fmt.rate((availableParallelism() * 1000) / total),
  };
}
