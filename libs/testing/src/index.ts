export * from './wait-for';
export * from './kafka-topic-reader';
export * from './env';
export * from './service-process';
export * from './test-database';
export * from './topic-recorder';
export * from './topic-offsets';
export * from './test-message';
