/**
 * Waits for every promise to settle, but no longer than `ms`. Returns true when all settled
 * in time. The timer is cleared either way so it never holds the process open.
 */
export async function settleWithin(
  promises: Iterable<Promise<unknown>>,
  ms: number,
): Promise<boolean> {
  const all = Promise.allSettled(promises).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
