export * from './sns-connector.module';
export * from './start-sns-connector';
export type {
  CarrierAssignment,
  SnsConnectorOptions,
  StartSnsConnectorOptions,
} from './sns-connector.options';
export { checkSnsCarrierUsable } from './sns-carrier.repository';
