import type { SimulatorProcess } from '@tuxhat/system-harness';

import { cpuMillisOf } from './cpu';

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

/**
 * Waits until every process of the system under test has used less than `busyBelow` of a core
 * for `windowMs` in a row (the work a scenario caused, receipts and accounting included, is
 * done), or `timeoutMs` passed; returns whether it went quiet. A system's idle chores (config
 * polls, sweeps) stay far below the default 10%.
 */
export async function waitForQuiet(
  pids: () => readonly number[],
  timeoutMs: number,
  { windowMs = 500, busyBelow = 0.1 }: { windowMs?: number; busyBelow?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const watched = pids();
    const before = watched.map(cpuMillisOf);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const busiest = Math.max(0, ...watched.map((pid, i) => cpuMillisOf(pid) - before[i]));
    if (busiest < busyBelow * windowMs) return true;
  }
  return false;
}
