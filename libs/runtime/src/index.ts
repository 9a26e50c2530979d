export * from './service-runtime';
export * from './start-service';
export * from './cluster-runtime';
export * from './kafka-connection';
export * from './kafka-topics-env';
export * from './config-snapshot';
export * from './config-snapshot-provider';
export * from './periodic-sweep';
