export * from './policy.module';
export type { PolicyOptions } from './policy.options';
export { policyEnvSchema, policyOptionsFromEnv } from './policy.config';
export type { PriceQuote, PriceQuoter } from './prepaid/price-quoter';
export { REJECTION_REASONS, type RejectionReason } from './decision';
export { TenantPolicies } from './tenant-policies';
export { DeferredReleaser } from './deferred-releaser';
export { PolicyHousekeeping } from './housekeeping';
export { ReservationRetention } from './reservation-retention';
