import { RECEIPT_STATS, type ReceiptStat } from '@tuxhat/smpp';
import { z } from 'zod';
import type { SmscAccount, SmscSimulatorOptions } from '@tuxhat/smsc-simulator';

/**
 * The smsc-sim daemon's configuration: environment variables, validated once at boot.
 * The variable names are the interface users script against (README.md lists them).
 */
const port = z.coerce.number().int().min(0).max(65_535);
const milliseconds = z.coerce.number().int().min(0).max(3_600_000);
const fraction = z.coerce.number().min(0).max(1);

/** id:password pairs, comma-separated (SMPP 3.4 §4.1.1 limits: system_id 15, password 8 characters). */
const accounts = z.string().transform((value, context): SmscAccount[] => {
  const result: SmscAccount[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const systemId = separator > 0 ? entry.slice(0, separator) : '';
    const password = separator > 0 ? entry.slice(separator + 1) : '';
    if (!systemId || systemId.length > 15 || password.length > 8) {
      context.addIssue({
        code: 'custom',
        message:
          'expected id:password pairs separated by commas (system_id up to 15, password up to 8 characters)',
      });
      return z.NEVER;
    }
    result.push({ systemId, password });
  }
  if (result.length === 0) {
    context.addIssue({ code: 'custom', message: 'at least one id:password account is required' });
    return z.NEVER;
  }
  return result;
});

/** A command_status as decimal or 0x-prefixed hex, non-zero. */
const commandStatus = z
  .string()
  .regex(/^(0x[0-9a-f]+|\d+)$/i, 'expected a command_status such as 0x45 or 69')
  .transform((value) => Number(value))
  .pipe(z.number().int().min(1).max(0xffffffff));

const stat = z.enum(RECEIPT_STATS as [ReceiptStat, ...ReceiptStat[]]);

/** prefix:STAT pairs, comma-separated, e.g. 4477009:UNDELIV,4478:EXPIRED. */
const finalStateByPrefix = z.string().transform((value, context): Record<string, ReceiptStat> => {
  const result: Record<string, ReceiptStat> = {};
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [prefix, state] = entry.split(':');
    const parsed = stat.safeParse(state?.toUpperCase());
    if (!prefix || !/^\+?\d+$/.test(prefix) || !parsed.success) {
      context.addIssue({
        code: 'custom',
        message: `expected prefix:STAT pairs with STAT one of ${RECEIPT_STATS.join(', ')}`,
      });
      return z.NEVER;
    }
    result[prefix] = parsed.data;
  }
  return result;
});

const schema = z
  .object({
    SMSC_SIM_PORT: port.default(2775),
    SMSC_SIM_HOST: z.string().min(1).default('127.0.0.1'),
    SMSC_SIM_ACCOUNTS: accounts.prefault('smppclient1:password'),
    SMSC_SIM_SYSTEM_ID: z.string().min(1).max(15).default('TUXHATSIM'),
    SMSC_SIM_DELIVERY_DELAY_MS: milliseconds.default(100),
    SMSC_SIM_RESPONSE_DELAY_MS: milliseconds.default(0),
    SMSC_SIM_RECEIPT_BEFORE_RESPONSE: z.stringbool().default(false),
    SMSC_SIM_MESSAGE_ID_FORMAT: z.enum(['hex', 'decimal', 'uuid']).default('hex'),
    SMSC_SIM_RECEIPT_TEXT_ID_FORMAT: z.enum(['same', 'decimal', 'padded']).default('same'),
    SMSC_SIM_RECEIPT_TLVS: z.stringbool().default(true),
    SMSC_SIM_RECEIPT_COMMAND: z.enum(['deliver_sm', 'data_sm']).default('deliver_sm'),
    SMSC_SIM_ERROR_RATE: fraction.default(0),
    SMSC_SIM_ERROR_STATUS: commandStatus.prefault('0x45'),
    SMSC_SIM_THROTTLE_RATE: fraction.default(0),
    SMSC_SIM_FINAL_STATE: z
      .preprocess((value) => (typeof value === 'string' ? value.toUpperCase() : value), stat)
      .default('DELIVRD'),
    SMSC_SIM_FINAL_STATE_BY_PREFIX: finalStateByPrefix.prefault(''),
    SMSC_SIM_CONTROL_PORT: port.default(2776),
  })
  .superRefine((env, context) => {
    const { SMSC_SIM_ERROR_RATE: error, SMSC_SIM_THROTTLE_RATE: throttle } = env;
    // zod still runs this when a rate already failed its own range check: report that once.
    if (error <= 1 && throttle <= 1 && error + throttle > 1) {
      context.addIssue({
        code: 'custom',
        path: ['SMSC_SIM_ERROR_RATE'],
        message: 'SMSC_SIM_ERROR_RATE + SMSC_SIM_THROTTLE_RATE must not exceed 1',
      });
    }
  });

export interface SmscSimConfig {
  smpp: SmscSimulatorOptions & { port: number; host: string };
  controlPort: number;
}

/** Bad configuration: the message names every offending variable. */
export class SmscSimConfigError extends Error {
  constructor(readonly issues: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      `invalid smsc-sim configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n')}`,
    );
    this.name = 'SmscSimConfigError';
  }
}

/** Variables whose values must never be echoed in an error. */
const SECRET_VARIABLES = new Set(['SMSC_SIM_ACCOUNTS']);

export function loadSmscSimConfig(env: NodeJS.ProcessEnv): SmscSimConfig {
  // Empty values count as unset (a blank line in an env file must not become port 0).
  const input = Object.fromEntries(
    Object.keys(schema.shape)
      .map((key) => [key, env[key]?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new SmscSimConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        const raw = input[variable];
        const shown =
          raw === undefined || SECRET_VARIABLES.has(variable)
            ? ''
            : ` (got ${JSON.stringify(raw)})`;
        return { variable, message: `${issue.message}${shown}` };
      }),
    );
  }
  const value = parsed.data;
  return {
    smpp: {
      port: value.SMSC_SIM_PORT,
      host: value.SMSC_SIM_HOST,
      accounts: value.SMSC_SIM_ACCOUNTS,
      smscSystemId: value.SMSC_SIM_SYSTEM_ID,
      deliveryDelayMs: value.SMSC_SIM_DELIVERY_DELAY_MS,
      responseDelayMs: value.SMSC_SIM_RESPONSE_DELAY_MS,
      receiptBeforeResponse: value.SMSC_SIM_RECEIPT_BEFORE_RESPONSE,
      messageIdFormat: value.SMSC_SIM_MESSAGE_ID_FORMAT,
      receiptTextIdFormat: value.SMSC_SIM_RECEIPT_TEXT_ID_FORMAT,
      receiptTlvs: value.SMSC_SIM_RECEIPT_TLVS,
      receiptCommand: value.SMSC_SIM_RECEIPT_COMMAND,
      errorRate: value.SMSC_SIM_ERROR_RATE,
      errorStatus: value.SMSC_SIM_ERROR_STATUS,
      throttleRate: value.SMSC_SIM_THROTTLE_RATE,
      finalState: value.SMSC_SIM_FINAL_STATE,
      finalStateByPrefix: value.SMSC_SIM_FINAL_STATE_BY_PREFIX,
    },
    controlPort: value.SMSC_SIM_CONTROL_PORT,
  };
}
