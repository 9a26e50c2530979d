import { z } from 'zod';

/**
 * Settings of the two kinds of carrier (`carriers[].smpp`, `carriers[].sns` in the gateway
 * config file and in the carriers table): one definition for the file, the database rows the
 * admin API writes, and the connectors that read them.
 */

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');

/** A secret given inline (development) or, better, by the name of an environment variable. */
const secretSetting = z.union([z.strictObject({ env: envName }), z.string().min(1)]);

/** SMPP 3.4 §4.1.1: system_id at most 15 characters, password at most 8. */
const smppPassword = z.union([
  z.strictObject({ env: envName }),
  z.string().min(1).max(8, 'SMPP passwords are at most 8 characters'),
]);

const bindMode = z.enum(['transceiver', 'transmitter', 'receiver']);

/** TON and NPI octets (SMPP 3.4 §5.2.5, §5.2.6). */
const ton = z.int().min(0).max(6);
const npi = z.int().min(0).max(18);

/** SMPP over TLS: node:tls options from files (mounted secrets on Kubernetes). */
const smppTls = z.strictObject({
  /** PEM file of the CA(s) that sign the SMSC's certificate; default: the system's CAs. */
  caFile: z.string().min(1).optional(),
  /** Client certificate and key (PEM files) for SMSCs that want mutual TLS. */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** Name checked against the certificate when it differs from `host` (SNI as well). */
  servername: z.string().min(1).optional(),
  /** Refuse an SMSC whose certificate does not verify (default true: keep it). */
  rejectUnauthorized: z.boolean().optional(),
});

export const smppSettingsSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535),
    systemId: z.string().min(1).max(15),
    password: smppPassword,
    systemType: z.string().max(12).default(''),
    /** The bind when `binds` is not given: one bind of this mode. */
    bindMode: bindMode.default('transceiver'),
    /** Binds this connector instance opens, e.g. [{ mode: transmitter, count: 2 }, { mode: receiver }]. */
    binds: z
      .array(z.strictObject({ mode: bindMode, count: z.int().min(1).max(64).default(1) }))
      .min(1)
      .optional(),
    /**
     * The carrier's limit of simultaneous binds for this account, across every connector pod:
     * a pod never holds more than this (leases in the database); default: one pod's binds.
     */
    maxBinds: z.int().min(1).max(1_000).optional(),
    /** bind_* addr_ton / addr_npi / address_range (§4.1.1): which MOs this ESME serves. */
    addrTon: ton.optional(),
    addrNpi: npi.optional(),
    addressRange: z.string().max(40).optional(),
    /** source_addr TON/NPI; default by sender: 1/1 numbers, 3/1 short codes, 5/0 alphanumeric. */
    sourceTon: ton.optional(),
    sourceNpi: npi.optional(),
    /** destination_addr TON/NPI (default 1/1: international E.164, sent without the +). */
    destTon: ton.optional(),
    destNpi: npi.optional(),
    /** Outstanding submit_sm per bind before waiting for responses. */
    windowSize: z.int().min(1).max(1_000).default(10),
    /** submit_sm per second: per bind, and for the carrier as a whole (absent: no limit). */
    throughput: z
      .strictObject({
        perBind: z.number().positive().max(100_000).optional(),
        perCarrier: z.number().positive().max(1_000_000).optional(),
      })
      .optional(),
    enquireLinkSeconds: z.int().min(5).max(600).default(30),
    responseTimeoutMs: z.int().min(100).max(120_000).default(10_000),
    /** Alphabets the carrier takes, in order of preference; UCS-2 when none fits. */
    alphabets: z
      .array(z.enum(['gsm7', 'latin1', 'ucs2']))
      .min(1)
      .optional(),
    /** How texts longer than one SMS travel: UDH with 8- or 16-bit reference, SAR TLVs, message_payload. */
    longMessages: z.enum(['udh8', 'udh16', 'sar', 'payload']).optional(),
    /** registered_delivery (§5.2.17): receipts on final state, on failure only, or none. */
    registeredDelivery: z.enum(['final', 'failure', 'none']).optional(),
    tls: smppTls.optional(),
    /** command_status values this carrier uses for "try another carrier" beyond the built-in list. */
    retryableStatuses: z.array(z.int().min(1).max(0xffffffff)).optional(),
    /** command_status values that are final for this carrier, overriding the built-in list. */
    finalStatuses: z.array(z.int().min(1).max(0xffffffff)).optional(),
  })
  .superRefine((settings, context) => {
    if ((settings.tls?.certFile === undefined) !== (settings.tls?.keyFile === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'give both certFile and keyFile, or neither',
      });
    }
    const configured = (settings.binds ?? [{ count: 1 }]).reduce(
      (sum, bind) => sum + bind.count,
      0,
    );
    if (settings.maxBinds !== undefined && configured > settings.maxBinds) {
      context.addIssue({
        code: 'custom',
        path: ['binds'],
        message: `${configured} binds configured, but the carrier allows ${settings.maxBinds} (maxBinds)`,
      });
    }
  });

export const snsSettingsSchema = z.strictObject({
  region: z.string().min(1),
  /** Override for tests and private endpoints (e.g. an SNS emulator). */
  endpoint: z.url().optional(),
  accessKeyId: secretSetting.optional(),
  secretAccessKey: secretSetting.optional(),
  /** AWS.SNS.SMS.SenderID: the sender id registered for the account. */
  senderId: z.string().max(11).optional(),
  /**
   * AWS.SNS.SMS.SMSType for every message. Absent: by class of service, Transactional for
   * otp and transactional messages, Promotional for bulk.
   */
  smsType: z.enum(['Transactional', 'Promotional']).optional(),
  /** AWS.MM.SMS.OriginationNumber: the long code, toll-free or short code to send from. */
  originationNumber: z
    .string()
    .regex(/^\+?\d{3,15}$/, 'a phone number or short code')
    .optional(),
  /** AWS.SNS.SMS.MaxPrice: the most one message may cost, in USD. */
  maxPrice: z.number().positive().max(10_000).optional(),
  /** Publish calls per second for the account (SNS's default quota is 20). */
  maxPerSecond: z.number().positive().max(100_000).optional(),
  /** Carriers naming the same account share one maxPerSecond (default: the carrier's own). */
  account: z.string().min(1).max(64).optional(),
  /**
   * Two-way SMS: the SQS queue subscribed to the SNS topic AWS publishes the carrier's inbound
   * SMS to (End User Messaging SMS / Pinpoint two-way channel). Absent: no MO from this carrier.
   */
  inbound: z
    .strictObject({
      /** The queue's URL, in the carrier's region (and at its endpoint, when it has one). */
      queueUrl: z.url(),
      /** Long-poll wait per ReceiveMessage call, 1 to 20 s (default 20). */
      waitSeconds: z.int().min(1).max(20).optional(),
    })
    .optional(),
  /**
   * Delivery receipts: SNS writes the delivery status of every SMS to CloudWatch Logs (once SMS
   * delivery status logging is on for the account), in the groups
   * `sns/<region>/<accountId>/DirectPublishToPhoneNumber` and `.../Failure`. Absent: no receipts
   * from this carrier; its messages stay `sent` until the dlr's expiry.
   */
  deliveryStatus: z
    .strictObject({
      /** The AWS account the log groups belong to (12 digits). */
      accountId: z.string().regex(/^\d{12}$/, 'an AWS account id: 12 digits'),
      /** How often the log groups are read, 1 to 300 s (default 10). */
      pollSeconds: z.int().min(1).max(300).optional(),
    })
    .optional(),
});

/** A secret as configured: inline, or `{ env: NAME }` (resolved with resolveSecret). */
export type SecretValue = z.infer<typeof secretSetting>;
export type SmppSettings = z.infer<typeof smppSettingsSchema>;
export type SnsSettings = z.infer<typeof snsSettingsSchema>;

/**
 * What an absent SMPP setting means. The schema leaves these optional (rather than filling
 * them in) so settings written before a key existed, by the config file or the admin API, stay
 * valid as they are; the connector reads them through resolveSmppSettings.
 */
export const SMPP_SETTING_DEFAULTS = {
  addrTon: 0,
  addrNpi: 0,
  addressRange: '',
  destTon: 1,
  destNpi: 1,
  throughput: {},
  alphabets: ['gsm7', 'ucs2'],
  longMessages: 'udh8',
  registeredDelivery: 'final',
  retryableStatuses: [],
  finalStatuses: [],
} as const satisfies Partial<SmppSettings>;

type Defaulted = keyof typeof SMPP_SETTING_DEFAULTS;

/** SMPP settings with every default applied (TLS `rejectUnauthorized` defaults to true). */
export type ResolvedSmppSettings = Omit<SmppSettings, Defaulted | 'tls'> &
  Required<Pick<SmppSettings, Defaulted>> & {
    tls?: NonNullable<SmppSettings['tls']> & { rejectUnauthorized: boolean };
  };

export function resolveSmppSettings(settings: SmppSettings): ResolvedSmppSettings {
  const { tls, ...rest } = settings;
  return {
    ...rest,
    addrTon: settings.addrTon ?? SMPP_SETTING_DEFAULTS.addrTon,
    addrNpi: settings.addrNpi ?? SMPP_SETTING_DEFAULTS.addrNpi,
    addressRange: settings.addressRange ?? SMPP_SETTING_DEFAULTS.addressRange,
    destTon: settings.destTon ?? SMPP_SETTING_DEFAULTS.destTon,
    destNpi: settings.destNpi ?? SMPP_SETTING_DEFAULTS.destNpi,
    throughput: settings.throughput ?? {},
    alphabets: settings.alphabets ?? [...SMPP_SETTING_DEFAULTS.alphabets],
    longMessages: settings.longMessages ?? SMPP_SETTING_DEFAULTS.longMessages,
    registeredDelivery: settings.registeredDelivery ?? SMPP_SETTING_DEFAULTS.registeredDelivery,
    retryableStatuses: settings.retryableStatuses ?? [],
    finalStatuses: settings.finalStatuses ?? [],
    ...(tls ? { tls: { ...tls, rejectUnauthorized: tls.rejectUnauthorized ?? true } } : {}),
  };
}
