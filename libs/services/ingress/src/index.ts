export { IngressModule } from './ingress.module';
export { startIngress, type RunningIngress } from './start-ingress';
export type { IngressOptions, StartIngressOptions } from './ingress.options';
export type { MessageView, SubmitMessageResponse, StatusChangeView } from './messages.dto';
export { PROBLEMS, type ProblemCode, type ProblemDocument, type FieldError } from './problem';
export { GRPC_ERROR_CODE_TRAILER, GRPC_FIELD_ERRORS_TRAILER } from './grpc-problem.filter';
