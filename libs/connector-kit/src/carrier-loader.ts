import { ConfigError } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';
import type { z } from 'zod';

/**
 * Which carriers a connector pod holds: every enabled carrier of its kind, or the listed ones
 * (pods split carriers between them; each consumes only its carriers' outbound topics).
 */
export type CarrierAssignment = 'all' | readonly string[];

/** A carrier a connector serves, with its validated settings (secrets still references). */
export interface LoadedCarrier<Settings> {
  readonly id: string;
  readonly name: string;
  readonly settings: Settings;
}

export interface LoadedCarriers<Settings> {
  readonly carriers: readonly LoadedCarrier<Settings>[];
  /** Assigned carriers that exist but are disabled: no binds, no consumption. */
  readonly disabled: readonly string[];
}

export interface CarrierLoadOptions<Schema extends z.ZodType> {
  /** The carriers table's `kind` (and the key of the settings in its `config` column). */
  readonly kind: 'smpp' | 'sns';
  readonly assignment: CarrierAssignment;
  /** The config file's schema of `carriers[].<kind>`: one definition for file and rows. */
  readonly settings: Schema;
  /** Cross-field checks the schema cannot say; returns problems (without the key prefix). */
  readonly check?: (settings: z.infer<Schema>) => readonly string[];
}

/**
 * Loads the carriers assigned to a connector pod from the carriers table (rows hold
 * `{ <kind>: {...} }` exactly as the config file's `carriers[].<kind>`). An assigned id that is
 * unknown or of another kind, or settings that do not validate, stop the boot with a
 * ConfigError naming the carrier and key; a disabled carrier is reported and skipped.
 */
export async function loadCarriers<Schema extends z.ZodType>(
  prisma: PrismaClient,
  options: CarrierLoadOptions<Schema>,
): Promise<LoadedCarriers<z.infer<Schema>>> {
  const { kind, assignment } = options;
  const rows = await prisma.carrier.findMany({
    where: assignment === 'all' ? { kind } : { id: { in: [...assignment] } },
    orderBy: { id: 'asc' },
  });
  const problems: string[] = [];
  if (assignment !== 'all') {
    for (const id of assignment) {
      const row = rows.find((candidate) => candidate.id === id);
      if (!row) problems.push(`carriers: no carrier "${id}" in the database`);
      else if (row.kind !== kind)
        problems.push(`carriers: carrier "${id}" is kind ${row.kind}, not ${kind}`);
    }
  }
  const carriers: LoadedCarrier<z.infer<Schema>>[] = [];
  const disabled: string[] = [];
  for (const row of rows) {
    if (row.kind !== kind) continue;
    if (!row.enabled) {
      disabled.push(row.id);
      continue;
    }
    const config = row.config as Record<string, unknown> | null;
    const parsed = options.settings.safeParse(config?.[kind]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((segment) => `.${String(segment)}`).join('');
        problems.push(`carriers[${row.id}].${kind}${path}: ${issue.message}`);
      }
      continue;
    }
    const checked = options.check?.(parsed.data) ?? [];
    if (checked.length > 0) {
      problems.push(...checked.map((problem) => `carriers[${row.id}].${kind}: ${problem}`));
      continue;
    }
    carriers.push({ id: row.id, name: row.name, settings: parsed.data });
  }
  if (problems.length > 0) throw new ConfigError('carriers table', problems);
  return { carriers, disabled };
}
