// @tuxhat/billing: tariffs and quotes, the billing rules extension point, the accounting
// record's mapping, usage and exports. Shared by accounting (post-billing), policy
// (pre-billing: prepaid reservations) and the admin API. See libs/billing/README.md.
export * from './tariff';
export * from './billing-rule';
export * from './billing-engine';
export * from './billing-config';
export * from './rule-registry';
export * from './rules/free-otp-retry.rule';
export * from './message-history';
export * from './accounting-record.mapper';
export * from './accounting-queries';
export * from './record-export';
export * from './billing-documents';
