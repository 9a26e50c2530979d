import { ConfigError, type SnsCarrierConfig, gatewayConfigSchema } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';

import type { CarrierAssignment } from './sns-connector.options';

export type SnsSettings = SnsCarrierConfig['sns'];

/** An SNS carrier (an AWS account and region) this pod publishes through. */
export interface SnsCarrier {
  readonly id: string;
  readonly name: string;
  readonly settings: SnsSettings;
}

/** The config file's schema of `carriers[].sns`: one definition for the file and the database rows. */
const snsSettingsSchema = gatewayConfigSchema.shape.carriers.element.options[1].shape.sns;

export interface LoadedCarriers {
  readonly carriers: readonly SnsCarrier[];
  /** Assigned carriers that exist but are disabled. */
  readonly disabled: readonly string[];
}

/**
 * Loads the SNS carriers assigned to this pod from the carriers table (rows hold `{ sns: {...} }`
 * exactly as the config file's `carriers[].sns`). An unknown id, a carrier of another kind or
 * settings that do not validate stop the boot with a ConfigError naming the carrier and key.
 */
export async function loadSnsCarriers(
  prisma: PrismaClient,
  assignment: CarrierAssignment,
): Promise<LoadedCarriers> {
  const rows = await prisma.carrier.findMany({
    where: assignment === 'all' ? { kind: 'sns' } : { id: { in: [...assignment] } },
    orderBy: { id: 'asc' },
  });
  const problems: string[] = [];
  if (assignment !== 'all') {
    for (const id of assignment) {
      const row = rows.find((candidate) => candidate.id === id);
      if (!row) problems.push(`carriers: no carrier "${id}" in the database`);
      else if (row.kind !== 'sns')
        problems.push(`carriers: carrier "${id}" is kind ${row.kind}, not sns`);
    }
  }
  const carriers: SnsCarrier[] = [];
  const disabled: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'sns') continue;
    if (!row.enabled) {
      disabled.push(row.id);
      continue;
    }
    const config = row.config as { sns?: unknown } | null;
    const parsed = snsSettingsSchema.safeParse(config?.sns);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((segment) => `.${String(segment)}`).join('');
        problems.push(`carriers[${row.id}].sns${path}: ${issue.message}`);
      }
      continue;
    }
    if ((parsed.data.accessKeyId === undefined) !== (parsed.data.secretAccessKey === undefined)) {
      problems.push(
        `carriers[${row.id}].sns: give both accessKeyId and secretAccessKey, or neither (then the AWS default credential chain is used)`,
      );
      continue;
    }
    carriers.push({ id: row.id, name: row.name, settings: parsed.data });
  }
  if (problems.length > 0) throw new ConfigError('carriers table', problems);
  return { carriers, disabled };
}
