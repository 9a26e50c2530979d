/** One JSON object per line on stdout: what log shippers and `jq` read best. */
export type LogSink = (line: string) => void;

export class JsonLogger {
  constructor(
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  log(event: string, fields: Record<string, unknown> = {}): void {
    this.sink(JSON.stringify({ ts: this.clock().toISOString(), event, ...fields }, replacer));
  }
}

/** Buffers as hex and errors as their message, rather than JSON.stringify's defaults. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (isSerialisedBuffer(value)) return Buffer.from(value.data).toString('hex');
  return value;
}

function isSerialisedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
