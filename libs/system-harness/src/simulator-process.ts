import { ServiceProcess, waitFor } from '@tuxhat/testing';

import { freePort } from './free-port';

export interface SimulatedSubmit {
  messageId: string;
  destinationAddr: string;
  text: string;
  /** The simulator's answer; 0 = ESME_ROK. */
  commandStatus: number;
  /** When the submit_sm arrived (ISO time). */
  receivedAt: string;
}

/** The smsc-sim tool as its own process: a carrier the gateway binds to over TCP. */
export class SimulatorProcess {
  readonly process: ServiceProcess;

  private constructor(
    readonly port: number,
    private readonly controlPort: number,
    readonly password: string,
    env: Record<string, string>,
  ) {
    this.process = new ServiceProcess(`smsc-sim:${port}`, 'dist/apps/smsc-sim/src/main.js', {
      SMSC_SIM_PORT: String(port),
      SMSC_SIM_CONTROL_PORT: String(controlPort),
      SMSC_SIM_ACCOUNTS: `tuxhat:${password}`,
      SMSC_SIM_DELIVERY_DELAY_MS: '50',
      ...env,
    });
  }

  /** Reserves the ports; the process starts with start(). */
  static async create(env: Record<string, string> = {}): Promise<SimulatorProcess> {
    return new SimulatorProcess(await freePort(), await freePort(), 'e2e-pw', env);
  }

  async start(): Promise<this> {
    this.process.start();
    await waitFor(
      `simulator on ${this.port}`,
      async () => ((await this.health()) ? true : undefined),
      { timeoutMs: 30_000 },
    );
    return this;
  }

  async submits(): Promise<SimulatedSubmit[]> {
    const response = await fetch(`http://127.0.0.1:${this.controlPort}/submits`);
    return (await response.json()) as SimulatedSubmit[];
  }

  /** How many submit_sm the simulator received so far (its /health counters). */
  async submitCount(): Promise<number> {
    return (await this.stats()).submits ?? 0;
  }

  /** How many receipts the gateway answered ESME_ROK so far: the carrier is done with them. */
  async receiptsAcknowledged(): Promise<number> {
    return (await this.stats()).receiptsAcknowledged ?? 0;
  }

  private async stats(): Promise<{ submits?: number; receiptsAcknowledged?: number }> {
    const response = await fetch(`http://127.0.0.1:${this.controlPort}/health`);
    return (await response.json()) as { submits?: number; receiptsAcknowledged?: number };
  }

  stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    return this.process.stop(signal);
  }

  private async health(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${this.controlPort}/health`)).ok;
    } catch {
      return false;
    }
  }
}
