export * from './smpp-connector.module';
export * from './start-smpp-connector';
export type {
  CarrierAssignment,
  SmppConnectorOptions,
  StartSmppConnectorOptions,
} from './smpp-connector.options';
export { READY_WHEN, type ReadyWhen } from './bind-instruments';
export { checkSmppCarrierUsable } from './smpp-carrier.repository';
