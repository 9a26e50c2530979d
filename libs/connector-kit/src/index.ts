// @tuxhat/connector-kit: what the SMPP and SNS connectors share.
export * from './carrier-event';
export * from './carrier-loader';
export * from './carrier-changes';
export * from './carrier-watcher';
export * from './recent-outcomes';
export * from './failed-rounds';
export * from './replay-guard';
export * from './carrier-has-it.error';
export * from './connector-reporter';
export * from './outbound-batch';
export * from './carrier-health';
export * from './token-bucket';
export * from './priority-queue';
export * from './paced-gate';
export * from './connector-providers';
export * from './start-connector';
export * from './outbound-subscriptions';
