export * from './config-error';
export * from './env';
export * from './api-key';
export * from './gateway-config.schema';
export * from './gateway-config.loader';
export * from './config-seeder';
export * from './client-certificate';
