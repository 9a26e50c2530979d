export * from './bus-record';
export * from './bus';
export * from './errors';
export * from './retry-policy';
export * from './event-codec';
export * from './event-publisher';
export * from './messaging.module';
export * from './topic-provisioning';
export * from './live-subscriptions';
export * from './dispatch/bus-context';
export * from './dispatch/event-dispatcher';
export * from './kafka/kafka.port';
export {
  KafkajsAdapter,
  type KafkaConnectionOptions,
  type KafkaTlsOptions,
} from './kafka/kafkajs.adapter';
export { KafkaTransport } from './kafka/kafka.transport';
export { InProcessBroker, type InProcessBrokerOptions } from './in-process/in-process.broker';
export { type BusBacklog, SharedBusBacklog, UNBOUNDED_BACKLOG } from './in-process/bus-backlog';
export { InProcessTransport } from './in-process/in-process.transport';
export { AcknowledgementTimeoutError } from './in-process/acknowledgement';
export { DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS } from './in-process/in-process-event.client';
export {
  type BridgeMessage,
  type ThreadBridgeOptions,
  type WireRecord,
  ThreadBridgedBroker,
} from './in-process/thread-bridge';
export * from './dispatch/bus-exception.filter';
export * from './dispatch/batch-outcome';
export * from './on-event.decorator';
export { defaultTopicsFor } from './dispatch/event-patterns';
export * from './health-reporting';
export {
  type ContinuedTrace,
  contextForMessage,
  continueMessageTraces,
  messageIdOf,
  messageTraceParent,
  tenantIdOf,
} from './telemetry/message-trace';
export { ConsumerLagMonitor, lagOf } from './kafka/consumer-lag.monitor';
