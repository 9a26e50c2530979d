import { commandStatusName } from '@tuxhat/smpp';
import { ControlHttpServer } from './control-http.server';
import type { JsonLogger } from './json-logger';
import type { SmscSimConfig } from './smsc-sim.config';
import { SmscSimulator } from '@tuxhat/smsc-simulator';

export interface RunningSmscSim {
  simulator: SmscSimulator;
  smppPort: number;
  controlPort: number;
  /** Unbinds every ESME, closes the SMPP port and the control API. */
  stop(): Promise<void>;
}

/** Builds and starts the daemon: simulator, event logging and control API (main.ts and tests share it). */
export async function startSmscSim(
  config: SmscSimConfig,
  logger: JsonLogger,
): Promise<RunningSmscSim> {
  const simulator = new SmscSimulator(config.smpp);
  logEvents(simulator, logger);
  const { port: smppPort } = await simulator.start();
  const control = new ControlHttpServer(simulator, config.controlPort, () => smppPort);
  let controlPort: number;
  try {
    ({ port: controlPort } = await control.start());
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  logger.log('control.listening', { host: '127.0.0.1', port: controlPort });
  return {
    simulator,
    smppPort,
    controlPort,
    async stop() {
      await control.stop();
      await simulator.stop();
    },
  };
}

function logEvents(simulator: SmscSimulator, logger: JsonLogger): void {
  simulator.on('listening', (address) => logger.log('smpp.listening', address));
  simulator.on('connect', (event) => logger.log('smpp.connect', event));
  simulator.on('bind', (event) =>
    logger.log('smpp.bind', { ...event, status: commandStatusName(event.commandStatus) }),
  );
  simulator.on('unbind', (event) => logger.log('smpp.unbind', event));
  simulator.on('disconnect', (event) => logger.log('smpp.disconnect', event));
  simulator.on('submit', (record) =>
    logger.log('submit_sm', {
      messageId: record.messageId,
      status: commandStatusName(record.commandStatus),
      systemId: record.systemId,
      sourceAddr: record.sourceAddr,
      destinationAddr: record.destinationAddr,
      dataCoding: record.dataCoding,
      esmClass: record.esmClass,
      concat: record.concat,
      text: record.text,
    }),
  );
  simulator.on('receipt', (event) => logger.log('deliver_sm.receipt', event));
  simulator.on('receiptStored', (event) => logger.log('deliver_sm.receipt_stored', event));
  simulator.on('deliverResp', (event) =>
    logger.log('deliver_sm_resp', { ...event, status: commandStatusName(event.commandStatus) }),
  );
  simulator.on('mo', (event) => logger.log('deliver_sm.mo', event));
  simulator.on('protocolError', (event) => logger.log('smpp.protocol_error', event));
  simulator.on('stopped', () => logger.log('smpp.stopped'));
}
