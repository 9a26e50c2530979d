export { IngressModule } from './ingress.module';
export { startIngress, type RunningIngress } from './start-ingress';
export {
  type IngressOptions,
  type StartIngressOptions,
  resolveIngressOptions,
} from './ingress.options';
export {
  type IngressTlsEnv,
  type ListenerTls,
  ingressTlsEnvSchema,
  readListenerTls,
} from './listener-tls';
export type {
  BatchItemResult,
  MessagePageView,
  MessageSummaryView,
  MessageView,
  StatusChangeView,
  SubmitBatchResponse,
  SubmitMessageResponse,
} from './messages.dto';
export type { UsageView } from './usage.service';
export { PROBLEMS, type ProblemCode, type ProblemDocument, type FieldError } from './problem';
export { FIELD_ERROR_CODES, MAX_BATCH_ITEMS, SUBMISSION_LIMITS } from './submission.validation';
export {
  GRPC_ERROR_CODE_TRAILER,
  GRPC_FIELD_ERRORS_TRAILER,
  GRPC_RETRY_AFTER_TRAILER,
} from './grpc-problem.filter';
export { OPENAPI_PATH } from './api-docs';
export { MessageRetention } from './message-retention';
