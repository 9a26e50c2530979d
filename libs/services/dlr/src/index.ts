export * from './dlr.module';
