import type { LoggerService } from '@nestjs/common';

interface Entry {
  readonly level: 'log' | 'warn' | 'error';
  readonly message: string;
}

/**
 * A Nest logger that keeps what was logged and lets a test await a line (the retry of an event
 * has no other outward sign while a carrier is down). Quiet unless LOG_LEVEL=debug.
 */
export class RecordingLogger implements LoggerService {
  readonly entries: Entry[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly echo = process.env.LOG_LEVEL === 'debug';

  log(message: unknown): void {
    this.add('log', message);
  }

  warn(message: unknown): void {
    this.add('warn', message);
  }

  error(message: unknown): void {
    this.add('error', message);
  }

  debug(): void {}

  verbose(): void {}

  /** Resolves with the first line matching `pattern` (logged before or after the call). */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.entries.find((entry) => pattern.test(entry.message));
        if (!hit) return;
        done();
        resolve(hit.message);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for a log line matching ${pattern}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private add(level: Entry['level'], message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.entries.push({ level, message: text });
    if (this.echo) process.stderr.write(`[${level}] ${text}\n`);
    for (const waiter of [...this.waiters]) waiter();
  }
}
