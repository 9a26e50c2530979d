import type { SimulatorProcess } from '@tuxhat/system-harness';

import { cpuMillisOf } from './cpu';
import type { RunningSystem } from './systems';

/**
 * Waits until the simulator has received at least `count` submit_sm (the system drained
 * what it accepted), or `timeoutMs` passed; returns how many it got. Polls the simulator's
 * /health counters, which are cheap, rather than its full submit list.
 */
export async function waitForSubmits(
  simulator: SimulatorProcess,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let received = 0;
  while (Date.now() < deadline) {
    received = await simulator.submitCount();
    if (received >= count) return received;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return received;
}

/** Each process's share of one core (0..1) while it was left alone, by pid. */
export type IdleShares = ReadonlyMap<number, number>;

/**
 * What each process of a system uses while nothing is asked of it: its idle chores (config
 * polls, sweeps, timers). Measured on the all-in-one gateway on PostgreSQL (2026-11-27): 15-20%
 * of a core, more than the 10% waitForQuiet once took for "quiet", so its waits ran to their
 * timeout and put up to 120 s of idle chores into the CPU per message of a run.
 */
export async function measureIdle(pids: readonly number[], windowMs = 2_000): Promise<IdleShares> {
  const before = pids.map(cpuMillisOf);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsed = Date.now() - started;
  return new Map(pids.map((pid, i) => [pid, (cpuMillisOf(pid) - before[i]) / elapsed]));
}

/**
 * Whether a window's CPU milliseconds per process (by pid) are quiet: each under `busyBelow` of
 * a core above what that process uses when idle (a process with no baseline counts from 0).
 */
export function isQuiet(
  usedMs: ReadonlyMap<number, number>,
  windowMs: number,
  { busyBelow = 0.1, idle = new Map() }: { busyBelow?: number; idle?: IdleShares } = {},
): boolean {
  for (const [pid, used] of usedMs) {
    if (used >= ((idle.get(pid) ?? 0) + busyBelow) * windowMs) return false;
  }
  return true;
}

/**
 * Waits until every process of the system under test has used less than `busyBelow` of a core
 * above its idle baseline (measureIdle; none: from 0) for `windowMs` in a row (the work a
 * scenario caused, receipts and accounting included, is done), or `timeoutMs` passed; returns
 * whether it went quiet.
 */
export async function waitForQuiet(
  pids: () => readonly number[],
  timeoutMs: number,
  {
    windowMs = 500,
    busyBelow = 0.1,
    idle,
  }: { windowMs?: number; busyBelow?: number; idle?: IdleShares } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const watched = pids();
    const before = watched.map(cpuMillisOf);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = new Map(watched.map((pid, i) => [pid, cpuMillisOf(pid) - before[i]]));
    if (isQuiet(used, windowMs, { busyBelow, idle })) return true;
  }
  return false;
}

/**
 * waitForQuiet after a scenario's load, saying so on stderr when the system stays busy: its CPU
 * figures then count work the load did not cause (a process spinning on its own looks like a
 * costly message: session 18's cluster reported 30-42 ms per message that way). Returns the
 * note for the scenario's row ('' when it went quiet).
 */
export async function settleAfterLoad(
  label: string,
  pids: () => readonly number[],
  timeoutMs: number,
  options: { idle?: IdleShares } = {},
): Promise<string> {
  if (await waitForQuiet(pids, timeoutMs, options)) return '';
  console.error(
    `${label}: still busy ${timeoutMs / 1000} s after the load; its CPU figures include that work`,
  );
  return ` (still busy ${timeoutMs / 1000} s after the load: CPU figures overstated)`;
}

/**
 * Until the carrier has `submits` submit_sm in all, then until the system is quiet again
 * (settled): what a load sent is carried through, receipts and accounting included. Returns
 * settleAfterLoad's note.
 */
export async function carriedThrough(
  system: RunningSystem,
  submits: number,
  options: { label?: string; submitsTimeoutMs?: number } = {},
): Promise<string> {
  await waitForSubmits(system.simulator, submits, options.submitsTimeoutMs ?? 300_000);
  return settled(system, options.label);
}

/** settleAfterLoad on a running system's processes (its own idle check too), for 120 s at most. */
export function settled(
  { target, idle }: RunningSystem,
  label: string = target.name,
): Promise<string> {
  return settleAfterLoad(label, () => target.pids(), 120_000, { idle });
}
