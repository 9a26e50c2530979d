import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../../../..');

/** One line the python SMSC printed. */
export interface PythonSmscEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/**
 * The python interpreter of the smpplib virtualenv: SMPPLIB_PYTHON, or whatever
 * `scripts/infra/smpplib.sh python` prints (it installs smpplib from PyPI the first time).
 */
export function smpplibPython(): string {
  const configured = process.env['SMPPLIB_PYTHON'];
  if (configured) return configured;
  return execFileSync('bash', [resolve(ROOT, 'scripts/infra/smpplib.sh'), 'python'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** smpplib_smsc.py as a child process: its JSON lines as events, MO injection on stdin. */
export class PythonSmsc {
  readonly events: PythonSmscEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private child: ChildProcessWithoutNullStreams | undefined;

  async start(account: { systemId: string; password: string }): Promise<number> {
    const child = spawn(
      smpplibPython(),
      [resolve(__dirname, 'smpplib_smsc.py'), account.systemId, account.password],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stderr.on('data', (chunk: Buffer) => {
      if (process.env['LOG_LEVEL'] === 'debug') process.stderr.write(`[python] ${String(chunk)}`);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.events.push(JSON.parse(line) as PythonSmscEvent);
      for (const waiter of [...this.waiters]) waiter();
    });
    const [listening] = await this.waitFor(1, (event) => event.event === 'listening');
    return listening['port'] as number;
  }

  /** Resolves with the first `count` events that match (already seen or still to come). */
  waitFor(
    count: number,
    predicate: (event: PythonSmscEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<PythonSmscEvent[]> {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const matching = this.events.filter(predicate);
        if (matching.length < count) return;
        done();
        resolvePromise(matching.slice(0, count));
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `python SMSC: timed out waiting for ${count} event(s); saw ${JSON.stringify(this.events)}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  sendMo(from: string, to: string, text: string): void {
    this.child?.stdin.write(`${JSON.stringify({ cmd: 'mo', from, to, text })}\n`);
  }

  /** Closing stdin ends the process. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
