export * from './accounting.module';
export * from './accounting.options';
export { RecordPublisher } from './record-publisher.service';
export { RecordRetention } from './record-retention';
