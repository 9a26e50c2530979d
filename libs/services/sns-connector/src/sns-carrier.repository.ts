import { type SnsSettings, snsSettingsSchema } from '@tuxhat/config';
import {
  type CarrierAssignment,
  type LoadedCarrier,
  type LoadedCarriers,
  loadCarriers,
} from '@tuxhat/connector-kit';
import type { PrismaClient } from '@tuxhat/database';

export type { SnsSettings };

/** An SNS carrier (an AWS account and region) this pod publishes through. */
export type SnsCarrier = LoadedCarrier<SnsSettings>;

/**
 * Loads the SNS carriers assigned to this pod from the carriers table (rows hold `{ sns: {...} }`
 * exactly as the config file's `carriers[].sns`). An unknown id, a carrier of another kind or
 * settings that do not validate stop the boot with a ConfigError naming the carrier and key.
 */
export function loadSnsCarriers(
  prisma: PrismaClient,
  assignment: CarrierAssignment,
): Promise<LoadedCarriers<SnsSettings>> {
  return loadCarriers(prisma, { assignment, ...SNS_CARRIER_CHECKS });
}

/** How SNS carrier rows are validated: at boot, and when they change while the pod runs. */
export const SNS_CARRIER_CHECKS = {
  kind: 'sns',
  settings: snsSettingsSchema,
  check: (settings: SnsSettings): string[] =>
    (settings.accessKeyId === undefined) !== (settings.secretAccessKey === undefined)
      ? [
          'give both accessKeyId and secretAccessKey, or neither (then the AWS default credential chain is used)',
        ]
      : [],
} as const;

/** Carriers naming the same `account` share its throughput limit; by default each is its own. */
export function accountOf(carrier: SnsCarrier): string {
  return carrier.settings.account ?? `carrier:${carrier.id}`;
}
