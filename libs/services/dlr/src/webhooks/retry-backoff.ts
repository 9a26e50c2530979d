/**
 * Delay before the next attempt after `failures` failed ones: exponential from `baseMs`,
 * capped at `maxMs`, jittered by ±20% so a recovering endpoint is not hit by every retry at
 * the same instant.
 */
export function retryDelayMs(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30));
  const capped = Math.min(exponential, maxMs);
  return Math.round(capped * (0.8 + random() * 0.4));
}
