export * from './accounting.module';
export * from './accounting.options';
