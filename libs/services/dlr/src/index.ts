export * from './dlr.module';
export { type DlrOptions, type ResolvedDlrOptions, resolveDlrOptions } from './dlr.options';
export { DlrConfig } from './config/dlr-config';
export { ExpiryScheduler } from './expiry/expiry.scheduler';
export { WebhookDispatcher } from './webhooks/webhook-dispatcher';
export {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
} from './webhooks/webhook-signature';
export { DlrRetention } from './retention/dlr-retention';
