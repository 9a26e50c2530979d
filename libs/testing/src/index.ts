export * from './wait-for';
export * from './kafka-topic-reader';
export * from './env';
