import { ConsoleLogger, type LogLevel } from '@nestjs/common';

import { currentLogFields } from './log-context';
import { redactText, redactValue } from './redaction';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

export interface StructuredLoggerOptions {
  /** The service the process runs (or `gateway`): a field of every JSON line. */
  readonly service: string;
  /** Every level up to this one is written (default `log`). */
  readonly level?: LogLevel;
  /** JSON lines (default) or Nest's human-readable text. */
  readonly format?: 'json' | 'text';
  /** Secrets and message text replaced by [redacted] (default true). */
  readonly redact?: boolean;
}

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * Nest's logger with what operators need on every line: the service, and (while the line is
 * written on behalf of an event or a request) the message id, tenant id, trace id and span id.
 * Secrets and message text are redacted by default (redaction.ts says what is recognised).
 *
 *   {"level":"log","time":"2026-11-26T...","service":"dlr","context":"DlrConsumer",
 *    "message":"...","messageId":"msg_01J...","tenantId":"acme","traceId":"4bf9...","spanId":"00f0..."}
 */
export class StructuredLogger extends ConsoleLogger {
  private readonly service: string;
  private readonly redacting: boolean;

  constructor(options: StructuredLoggerOptions) {
    const upTo = LOG_LEVELS.indexOf(options.level ?? 'log');
    const redacting = options.redact ?? true;
    super(options.service, {
      json: (options.format ?? 'json') === 'json',
      logLevels: [...LOG_LEVELS.slice(0, upTo < 0 ? 4 : upTo + 1)],
    });
    this.service = options.service;
    this.redacting = redacting;
  }

  protected override getJsonLogObject(
    message: unknown,
    options: JsonLogOptions,
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const base = super.getJsonLogObject(message, options);
    const { level, pid, timestamp, message: text, context, ...rest } = base;
    const line = {
      level,
      time: new Date(timestamp).toISOString(),
      service: this.service,
      ...(context ? { context } : {}),
      message: text,
      ...currentLogFields(),
      ...rest,
      pid,
      timestamp,
    };
    return this.redacting ? (redactValue(line) as typeof base) : line;
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    const text = super.stringifyMessage(this.redacting ? redactValue(message) : message, logLevel);
    const fields = currentLogFields();
    const ids = [
      fields.messageId && `message=${fields.messageId}`,
      fields.tenantId && `tenant=${fields.tenantId}`,
      fields.traceId && `trace=${fields.traceId}`,
    ].filter(Boolean);
    return ids.length > 0 ? `${text} (${ids.join(' ')})` : text;
  }

  protected override printStackTrace(stack: string | undefined): void {
    super.printStackTrace(this.redacting && stack ? redactText(stack) : (stack as string));
  }
}
