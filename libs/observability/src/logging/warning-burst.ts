/**
 * A warning that can come thousands of times a second: every receipt of a backlog the
 * consumers did not store in time, every PDU of a misbehaving peer. The first of a burst is
 * written as it is; the others within `windowMs` are counted, and one line at the end of the
 * window says how many there were and repeats the last. A log that grows by hundreds of
 * megabytes a minute hides the cause and fills the node's disk.
 */
export class WarningBurst {
  private suppressed = 0;
  private last = '';
  private window: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly windowMs = 10_000,
  ) {}

  warn(line: string): void {
    if (this.window) {
      this.suppressed++;
      this.last = line;
      return;
    }
    this.write(line);
    this.window = setTimeout(() => this.endWindow(), this.windowMs);
    this.window.unref();
  }

  /** Writes what the current window counted (at shutdown, so nothing counted goes unsaid). */
  flush(): void {
    clearTimeout(this.window);
    this.endWindow();
  }

  private endWindow(): void {
    this.window = undefined;
    if (this.suppressed === 0) return;
    const count = this.suppressed;
    this.suppressed = 0;
    this.write(`${count} more like it in ${this.windowMs / 1000} s, the last: ${this.last}`);
  }
}
