import { type SnsSettings, snsSettingsSchema } from '@tuxhat/config';
import {
  type CarrierAssignment,
  type LoadedCarrier,
  type LoadedCarriers,
  loadCarriers,
} from '@tuxhat/connector-kit';
import type { PrismaClient } from '@tuxhat/database';

import { snsCredentialsFor } from './sns-client.factory';

export type { SnsSettings };

/** An SNS carrier (an AWS account and region) this pod publishes through. */
export type SnsCarrier = LoadedCarrier<SnsSettings>;

/**
 * Loads the SNS carriers assigned to this pod from the carriers table (rows hold `{ sns: {...} }`
 * exactly as the config file's `carriers[].sns`). An assigned id that is unknown or of another
 * kind stops the boot with a ConfigError; a carrier whose settings do not validate, or whose
 * credential variables are not set here, is rejected, not held (see loadCarriers).
 */
export function loadSnsCarriers(
  prisma: PrismaClient,
  assignment: CarrierAssignment,
): Promise<LoadedCarriers<SnsSettings>> {
  return loadCarriers(prisma, {
    assignment,
    ...SNS_CARRIER_CHECKS,
    usable: checkSnsCarrierUsable,
  });
}

/** Throws a ConfigError naming the key when one of the carrier's key variables is not set here. */
export function checkSnsCarrierUsable(carrier: SnsCarrier): void {
  snsCredentialsFor(carrier);
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
