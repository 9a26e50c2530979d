import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitFor } from '@tuxhat/testing';

export interface KannelOptions {
  /** The SMSC (our simulator) Kannel binds to as an ESME. */
  readonly smscPort: number;
  readonly smscSystemId: string;
  readonly smscPassword: string;
  /** Outstanding submit_sm per bind, like the gateway's window. */
  readonly window: number;
  readonly adminPort: number;
  readonly smsboxPort: number;
  readonly sendsmsPort: number;
}

const BINARIES = ['/usr/sbin/bearerbox', '/usr/sbin/smsbox'];
const MAX_SMSBOX_RESTARTS = 5;

/**
 * Kannel 1.4.5 (Debian package `kannel`), the baseline: bearerbox holds the SMPP bind to the
 * same simulator the gateway uses, smsbox takes HTTP sendsms requests. Configured with a
 * persistent store (like the gateway's database), logs at error level only.
 */
export class KannelBaseline {
  private readonly processes: ChildProcess[] = [];
  private stopping = false;
  /** How many times smsbox died under the bench and was started again. */
  smsboxRestarts = 0;
  readonly dir = mkdtempSync(join(tmpdir(), 'kannel-bench-'));
  readonly user = 'bench';
  readonly password = 'bench';

  constructor(private readonly options: KannelOptions) {}

  static installed(): boolean {
    return BINARIES.every((binary) => existsSync(binary));
  }

  get sendsmsUrl(): string {
    return `http://127.0.0.1:${this.options.sendsmsPort}`;
  }

  /** The sendsms path for one message; `dlrUrl` asks for delivery reports at that URL. */
  sendsmsPath(to: string, from: string, text: string, dlrUrl?: string): string {
    const query = new URLSearchParams({
      username: this.user,
      password: this.password,
      to,
      from,
      text,
    });
    if (dlrUrl) {
      query.set('dlr-mask', '1');
      query.set('dlr-url', dlrUrl);
    }
    return `/cgi-bin/sendsms?${query.toString()}`;
  }

  async start(): Promise<void> {
    const config = join(this.dir, 'kannel.conf');
    writeFileSync(config, this.config());
    this.processes.push(spawn('/usr/sbin/bearerbox', ['-v', '4', config], { stdio: 'ignore' }));
    await waitFor(
      'kannel bearerbox to bind to the SMSC',
      async () => ((await this.status()).includes('online') ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    this.startSmsbox(config);
    await this.untilSmsboxServes();
  }

  /**
   * smsbox, started again when it dies before stop(): it may crash under saturation (an earlier
   * run of these benches saw it), and a bench that silently lost Kannel's HTTP front end would
   * report refused connections and a stalled rate as Kannel's. Each restart is said on stderr,
   * with what it spoils, and counted; a box that keeps dying is left down after a few.
   */
  private startSmsbox(config: string): void {
    const smsbox = spawn('/usr/sbin/smsbox', ['-v', '4', config], { stdio: 'ignore' });
    this.processes.push(smsbox);
    smsbox.once('exit', (code, signal) => {
      this.processes.splice(this.processes.indexOf(smsbox), 1);
      if (this.stopping) return;
      const giveUp = this.smsboxRestarts >= MAX_SMSBOX_RESTARTS;
      console.error(
        `[kannel] smsbox died (code ${code}, signal ${signal}), see ${this.dir}/smsbox.log; ` +
          (giveUp
            ? `not restarted after ${this.smsboxRestarts} restarts: the rows of this run are void`
            : 'restarting it: the current row has failed requests, and CPU columns miss the dead box'),
      );
      if (giveUp) return;
      this.smsboxRestarts++;
      this.startSmsbox(config);
    });
  }

  private async untilSmsboxServes(): Promise<void> {
    await waitFor(
      'kannel smsbox to take sendsms requests',
      async () => {
        try {
          const response = await fetch(`${this.sendsmsUrl}/cgi-bin/sendsms`);
          return response.status > 0 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  pids(): number[] {
    return this.processes.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.smsboxRestarts > 0) {
      console.error(`[kannel] smsbox was restarted ${this.smsboxRestarts} time(s) during this run`);
    }
    await Promise.all(
      [...this.processes].reverse().map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
  }

  private async status(): Promise<string> {
    try {
      const response = await fetch(
        `http://127.0.0.1:${this.options.adminPort}/status.txt?password=${this.password}`,
      );
      return await response.text();
    } catch {
      return '';
    }
  }

  private config(): string {
    const { options, dir } = this;
    return `
group = core
admin-port = ${options.adminPort}
admin-password = ${this.password}
smsbox-port = ${options.smsboxPort}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 3
access-log = "${dir}/access.log"
store-type = file
store-location = "${dir}/store"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${options.smscPort}
transceiver-mode = true
smsc-username = "${options.smscSystemId}"
smsc-password = "${options.smscPassword}"
system-type = ""
max-pending-submits = ${options.window}
enquire-link-interval = 30
msg-id-type = 0x01

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = ${options.sendsmsPort}
log-file = "${dir}/smsbox.log"
log-level = 3

group = sendsms-user
username = ${this.user}
password = ${this.password}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
text = "unused"
omit-empty = true
`;
  }
}
