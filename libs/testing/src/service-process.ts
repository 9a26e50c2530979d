import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (where nx.json is), whether this file runs from source or from dist/. */
const ROOT = repositoryRoot(__dirname);
/** Every process's output is also kept here, for a look after a failed run. */
const LOG_DIR = join(ROOT, '.local', 'test-logs');
/**
 * How much of a process's output is kept in memory (the log file has all of it): a benchmark's
 * simulator logs every PDU, and a string of it all outgrows what V8 allows. A line is matched
 * by the waiters when it arrives, so only a waiter that starts after 8 MB more of output can
 * miss it.
 */
const KEPT_OUTPUT_CHARS = 8 * 1024 * 1024;

/**
 * A compiled entry point (dist/...) running as its own OS process, as in production. Its
 * output is kept so a failing test can show it, and tests can await a line of it.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private output = '';
  private logPath: string | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    /** Path under the repository root, e.g. dist/apps/policy/src/main.js */
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly args: readonly string[] = [],
    /** Flags for node itself, e.g. --cpu-prof (which Node refuses in NODE_OPTIONS). */
    private readonly nodeFlags: readonly string[] = [],
  ) {}

  start(): this {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=TimeoutNegativeWarning',
        ...this.nodeFlags,
        join(ROOT, this.entry),
        ...this.args,
      ],
      {
        cwd: ROOT,
        // OPS_PORT 0: several services on one machine must not compete for the default ops port.
        env: { ...process.env, LOG_FORMAT: 'json', OPS_PORT: '0', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = join(LOG_DIR, `${this.name.replace(/[^a-z0-9-]/gi, '_')}-${Date.now()}.log`);
    this.logPath = logFile;
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (this.output.length > KEPT_OUTPUT_CHARS) {
        this.output = this.output.slice(-KEPT_OUTPUT_CHARS / 2);
      }
      appendFileSync(logFile, chunk);
      for (const waiter of this.waiters) waiter();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', () => {
      for (const waiter of this.waiters) waiter();
    });
    this.child = child;
    return this;
  }

  /** The latest output (at most the last 8 MB of it: see KEPT_OUTPUT_CHARS). */
  get logs(): string {
    return this.output;
  }

  /** The file with all of the process's output, once started. */
  get logFile(): string | undefined {
    return this.logPath;
  }

  /** The OS process id while it runs (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /** Resolves once the output matches `pattern`; rejects if the process exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `${this.name}: no output matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`,
            ),
          ),
        timeoutMs,
      );
      const check = () => {
        const match = this.output.match(pattern);
        if (match) finish(null, match);
        else if (this.child?.exitCode !== null || this.child?.signalCode) {
          finish(
            new Error(
              `${this.name} exited (${this.child?.exitCode ?? this.child?.signalCode}) before ${pattern}\n${this.tail()}`,
            ),
          );
        }
      };
      const finish = (error: Error | null, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(match!);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the exit code once the process ends on its own. */
  async exited(): Promise<number | null> {
    if (!this.child) return null;
    if (this.child.exitCode !== null || this.child.signalCode) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }

  /** SIGTERM (graceful) or SIGKILL (a crash); resolves when the process is gone. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode) return;
    const gone = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }

  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}
