export * from './routing.module';
export * from './routing.options';
export { RoutingConfigService } from './config/routing-config.service';
export { CarrierHealthBroadcastReader } from './health/carrier-health.reader';
