import { AsyncLocalStorage } from 'node:async_hooks';

import {
  type Context,
  context,
  createContextKey,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';

/** What a log line says about the work it belongs to, beyond its text. */
export interface LogFields {
  readonly messageId?: string;
  readonly tenantId?: string;
}

export interface CurrentLogFields extends LogFields {
  readonly traceId?: string;
  readonly spanId?: string;
}

const LOG_FIELDS = createContextKey('tuxhat.log-fields');

/** Where the fields live when no context manager carries the OpenTelemetry context (SDK off). */
const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` with exactly these fields attached to every log line written during it (and the
 * async work it starts). The bus dispatcher does this for each event it hands to a handler.
 */
export function runWithLogFields<T>(fields: LogFields, work: () => T): T {
  return runInContextWithLogFields(context.active(), fields, work);
}

/**
 * Runs `work` in context `base` with exactly these log fields: one context switch for both,
 * as the bus dispatcher does around each handler call. The fields travel in the OpenTelemetry
 * context (which the tracing's context manager carries across awaits); when tracing is off
 * (no context manager) they go to an AsyncLocalStorage of their own instead.
 */
export function runInContextWithLogFields<T>(base: Context, fields: LogFields, work: () => T): T {
  const defined = definedOnly(fields);
  const scoped = base.setValue(LOG_FIELDS, defined);
  return context.with(scoped, () =>
    context.active() === scoped ? work() : storage.run(defined, work),
  );
}

/** The fields of the current work, with the active trace and span ids. */
export function currentLogFields(): CurrentLogFields {
  const active = context.active();
  const fields: { -readonly [K in keyof CurrentLogFields]: CurrentLogFields[K] } = {
    ...((active.getValue(LOG_FIELDS) as LogFields | undefined) ?? storage.getStore()),
  };
  const spanContext = trace.getSpan(active)?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

const NO_FIELDS: LogFields = Object.freeze({});

function definedOnly(fields: LogFields): LogFields {
  const { messageId, tenantId } = fields;
  if (messageId === undefined && tenantId === undefined) return NO_FIELDS;
  if (messageId === undefined) return { tenantId };
  if (tenantId === undefined) return { messageId };
  return { messageId, tenantId };
}
