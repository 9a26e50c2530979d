/** One JSON object per line on stdout: what log shippers and `jq` read best. */
export type LogSink = (line: string) => void;

/**
 * Lines written once per event-loop turn instead of one write (a syscall on a pipe) each: the
 * simulator logs three lines per message and shares the machine with the gateway it serves.
 * flush() writes what is pending at once (before process.exit).
 */
export class BatchedLines {
  private pending = '';
  private scheduled = false;

  constructor(private readonly write: (chunk: string) => void) {}

  readonly sink: LogSink = (line) => {
    this.pending += `${line}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  };

  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }
}

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
