export * from './policy.module';
