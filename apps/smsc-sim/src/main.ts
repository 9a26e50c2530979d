/**
 * smsc-sim daemon: `node dist/apps/smsc-sim/src/main.js`, configured by SMSC_SIM_* variables
 * (see README.md). Logs one JSON line per event to stdout; SIGTERM/SIGINT unbind and exit.
 */
import { startSmscSim } from './bootstrap';
import { BatchedLines, JsonLogger } from './json-logger';
import { SmscSimConfigError, loadSmscSimConfig, type SmscSimConfig } from './smsc-sim.config';

function readConfig(): SmscSimConfig {
  try {
    return loadSmscSimConfig(process.env);
  } catch (error) {
    if (error instanceof SmscSimConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const lines = new BatchedLines((chunk) => process.stdout.write(chunk));
  process.on('exit', () => lines.flush());
  const logger = new JsonLogger(lines.sink);
  const running = await startSmscSim(readConfig(), logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.log('shutdown.forced', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.log('shutdown', { signal });
    running.stop().then(
      () => logger.log('shutdown.done'),
      (error: unknown) => {
        logger.log('shutdown.failed', { error });
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  new JsonLogger().log('fatal', { error });
  process.exit(1);
});
