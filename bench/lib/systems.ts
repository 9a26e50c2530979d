import { SimulatorProcess } from '@tuxhat/system-harness';

import { startKannel } from '../targets/kannel.target';
import type { BenchTarget } from '../targets/target';
import { UsageError } from './cli';
import { type IdleShares, measureIdle } from './drain';
import { startTuxhat } from '../targets/tuxhat.target';

export const SYSTEMS = ['kannel', 'all-in-one-postgres', 'all-in-one-pglite', 'cluster'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** Which systems to run: the CLI's --systems=a,b or the bench's defaults (all, baseline first). */
export function selectedSystems(
  argv: readonly string[],
  defaults: readonly SystemName[] = SYSTEMS,
): SystemName[] {
  const flag = argv.find((arg) => arg.startsWith('--systems='));
  if (!flag) return [...defaults];
  const names = flag.slice('--systems='.length).split(',');
  for (const name of names) {
    if (!(SYSTEMS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown system ${name}; choose from ${SYSTEMS.join(', ')}`);
    }
  }
  return names as SystemName[];
}

/**
 * `--receipts=off`: TuxHat's carrier asks for no delivery receipts, as Kannel's sendsms does
 * without a dlr-url, so both do the same work per message (by default TuxHat asks for a receipt
 * for every message, and tracks it to its final state).
 */
export function receiptsWanted(argv: readonly string[]): boolean {
  return !argv.includes('--receipts=off');
}

export interface RunningSystem {
  readonly target: BenchTarget;
  readonly simulator: SimulatorProcess;
  /** What the system's processes use when left alone, measured after it started. */
  readonly idle: IdleShares;
  stop(): Promise<void>;
}

/** A fresh simulator and the system bound to it, so each system starts from the same state. */
export async function startSystem(
  name: SystemName,
  options: {
    simulatorEnv?: Record<string, string>;
    window?: number;
    /** TuxHat: call back final statuses only (dlr-mask=1), through this webhook path URL. */
    finalReportsTo?: string;
    /** TuxHat: whether its carrier asks for delivery receipts (default: yes). */
    receipts?: boolean;
  },
): Promise<RunningSystem> {
  const simulator = await SimulatorProcess.create({
    SMSC_SIM_DELIVERY_DELAY_MS: '100',
    ...options.simulatorEnv,
  });
  await simulator.start();
  const sockets = 128;
  let target: BenchTarget;
  try {
    target =
      name === 'kannel'
        ? await startKannel(simulator, { window: options.window ?? 20, sockets })
        : await startTuxhat(name, simulator, {
            sockets,
            brokers: process.env.KAFKA_BROKERS,
            finalReportsTo: options.finalReportsTo,
            receipts: options.receipts,
          });
  } catch (error) {
    // Kannel not installed, a gateway that would not start: without this the simulator
    // outlives the bench's exit, an orphan serving nobody.
    await simulator.stop();
    throw error;
  }
  let idle: IdleShares;
  try {
    // After the start, before any load: waitForQuiet counts "quiet" from this.
    idle = await measureIdle(target.pids());
  } catch (error) {
    await target.stop();
    await simulator.stop();
    throw error;
  }
  return {
    target,
    simulator,
    idle,
    async stop() {
      await target.stop();
      await simulator.stop();
    },
  };
}
