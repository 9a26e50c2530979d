// In-process use of the simulator (gateway tests, the all-in-one gateway's default carrier).
export {
  SmscSimulator,
  NoReceiverBoundError,
  type MoInput,
  type MoResult,
  type SmscStats,
  type SmscSimulatorEvents,
} from './smsc-simulator';
export {
  DEFAULT_ACCOUNTS,
  type SmscAccount,
  type SmscSimulatorOptions,
} from './smsc-simulator.options';
export type { SubmitRecord } from './submit-record';
export type { MessageIdFormat, ReceiptTextIdFormat } from './message-id-generator';
// Test support: drive an ESME against a simulator and await its events without sleeping.
export * as simulatorHarness from './testing/simulator-harness';
