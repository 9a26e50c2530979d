import type { SimulatorProcess } from '@tuxhat/system-harness';

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
