import { ConfigError, type SmppCarrierConfig, gatewayConfigSchema } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';

import type { CarrierAssignment } from './smpp-connector.options';

export type SmppSettings = SmppCarrierConfig['smpp'];

/** An SMPP carrier this pod holds binds for, with its validated settings (secrets still references). */
export interface SmppCarrier {
  readonly id: string;
  readonly name: string;
  readonly settings: SmppSettings;
}

/** The config file's schema of `carriers[].smpp`: one definition for the file and the database rows. */
const smppSettingsSchema = gatewayConfigSchema.shape.carriers.element.options[0].shape.smpp;

export interface LoadedCarriers {
  readonly carriers: readonly SmppCarrier[];
  /** Assigned carriers that exist but are disabled: no binds, no consumption. */
  readonly disabled: readonly string[];
}

/**
 * Loads the SMPP carriers assigned to this pod from the carriers table (rows hold
 * `{ smpp: {...} }` exactly as the config file's `carriers[].smpp`). An assigned id that is
 * unknown or not an SMPP carrier, or settings that do not validate, stop the boot with a
 * ConfigError naming the carrier and key; a disabled carrier is reported and skipped.
 */
export async function loadSmppCarriers(
  prisma: PrismaClient,
  assignment: CarrierAssignment,
): Promise<LoadedCarriers> {
  const rows = await prisma.carrier.findMany({
    where: assignment === 'all' ? { kind: 'smpp' } : { id: { in: [...assignment] } },
    orderBy: { id: 'asc' },
  });
  const problems: string[] = [];
  if (assignment !== 'all') {
    for (const id of assignment) {
      const row = rows.find((candidate) => candidate.id === id);
      if (!row) problems.push(`carriers: no carrier "${id}" in the database`);
      else if (row.kind !== 'smpp')
        problems.push(`carriers: carrier "${id}" is kind ${row.kind}, not smpp`);
    }
  }
  const carriers: SmppCarrier[] = [];
  const disabled: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'smpp') continue;
    if (!row.enabled) {
      disabled.push(row.id);
      continue;
    }
    const config = row.config as { smpp?: unknown } | null;
    const parsed = smppSettingsSchema.safeParse(config?.smpp);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((segment) => `.${String(segment)}`).join('');
        problems.push(`carriers[${row.id}].smpp${path}: ${issue.message}`);
      }
      continue;
    }
    carriers.push({ id: row.id, name: row.name, settings: parsed.data });
  }
  if (problems.length > 0) throw new ConfigError('carriers table', problems);
  return { carriers, disabled };
}

/** A receiver-only bind cannot submit (SMPP 3.4 §2.2): such a carrier brings MO and receipts only. */
export function canSubmit(carrier: SmppCarrier): boolean {
  return carrier.settings.bindMode !== 'receiver';
}
