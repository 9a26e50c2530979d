import { AsyncLocalStorage } from 'node:async_hooks';

import { isSpanContextValid, trace } from '@opentelemetry/api';

/** What a log line says about the work it belongs to, beyond its text. */
export interface LogFields {
  readonly messageId?: string;
  readonly tenantId?: string;
}

export interface CurrentLogFields extends LogFields {
  readonly traceId?: string;
  readonly spanId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` with exactly these fields attached to every log line written during it (and the
 * async work it starts). The bus dispatcher does this for each event it hands to a handler.
 */
export function runWithLogFields<T>(fields: LogFields, work: () => T): T {
  return storage.run(definedOnly(fields), work);
}

/** The fields of the current work, with the active trace and span ids. */
export function currentLogFields(): CurrentLogFields {
  const fields: { -readonly [K in keyof CurrentLogFields]: CurrentLogFields[K] } = {
    ...storage.getStore(),
  };
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

function definedOnly(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
