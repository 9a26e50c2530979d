export * from './service-runtime';
export * from './start-service';
