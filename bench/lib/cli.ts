/** A mistake on the bench's command line: reported as one line, without a stack trace. */
export class UsageError extends Error {}

/**
 * `--name=N` as a whole number from `min` to `max`, `fallback` when the flag is absent. Anything
 * else is a UsageError naming the flag, so a typo fails before any system starts.
 */
export function integerFlag(
  argv: readonly string[],
  name: string,
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const prefix = `--${name}=`;
  const flag = argv.find((arg) => arg.startsWith(prefix));
  if (flag === undefined) return fallback;
  const text = flag.slice(prefix.length);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** Runs a bench to its end: exit 0, or 2 with one line for a usage error, or 1 with the error. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`usage: ${error.message}`);
        process.exit(2);
      }
      console.error(error);
      process.exit(1);
    },
  );
}
