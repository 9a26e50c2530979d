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
  /**
   * Assigned, enabled carriers whose settings the pod cannot use, with the problems naming
   * carrier and key. Not held: the CarrierWatcher's first poll finds them as it finds such a
   * carrier added while the pod runs (reported unhealthy, its messages handed back to routing).
   */
  readonly rejected: readonly RejectedCarrier[];
  /**
   * Every row of the kind, assigned to this pod or not, enabled or not, settings unchecked:
   * what the pod knows of the carriers it does not hold (SMPP: who shares an SMSC account).
   */
  readonly rows: readonly CarrierRow[];
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

/** What the boot checks beyond the schema. */
export interface CarrierBootOptions<Schema extends z.ZodType> extends CarrierLoadOptions<Schema> {
  /**
   * Throws a ConfigError when the pod cannot use settings the schema accepts: a secret whose
   * variable is not set here, a TLS file it cannot read. Opens nothing. (A change made while
   * running meets the same checks when the connector applies it.)
   */
  readonly usable?: (carrier: LoadedCarrier<z.infer<Schema>>) => void;
}

/** An assigned carrier the boot did not take up, and why. */
export interface RejectedCarrier {
  readonly id: string;
  readonly problems: readonly string[];
}

/** A carrier row as the loader reads it. */
export interface CarrierRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly enabled: boolean;
  readonly config: unknown;
}

/** A row's settings checked as at boot: the carrier, or the problems naming carrier and key. */
export type CarrierCheck<Settings> =
  | { readonly ok: true; readonly carrier: LoadedCarrier<Settings> }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Every row of the kind, and the assigned ids of any kind (so the boot can name one assigned by
 * mistake), in one query: the pod's own carriers (isAssigned) and those it does not hold.
 */
export function readCarrierRows(
  prisma: PrismaClient,
  kind: 'smpp' | 'sns',
  assignment: CarrierAssignment,
): Promise<CarrierRow[]> {
  return prisma.carrier.findMany({
    where: assignment === 'all' ? { kind } : { OR: [{ kind }, { id: { in: [...assignment] } }] },
    orderBy: { id: 'asc' },
  });
}

/** Whether the pod's assignment covers the carrier (its kind aside). */
export function isAssigned(assignment: CarrierAssignment, carrierId: string): boolean {
  return assignment === 'all' || assignment.includes(carrierId);
}

/**
 * Validates a row's `config.<kind>` with the config file's schema and the cross-field check.
 * One function for boot and for changes made while running, so both accept the same settings.
 */
export function checkCarrierRow<Schema extends z.ZodType>(
  row: CarrierRow,
  options: Pick<CarrierLoadOptions<Schema>, 'kind' | 'settings' | 'check'>,
): CarrierCheck<z.infer<Schema>> {
  const { kind } = options;
  const config = row.config as Record<string, unknown> | null;
  const parsed = options.settings.safeParse(config?.[kind]);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.map((segment) => `.${String(segment)}`).join('');
        return `carriers[${row.id}].${kind}${path}: ${issue.message}`;
      }),
    };
  }
  const checked = options.check?.(parsed.data) ?? [];
  if (checked.length > 0) {
    return {
      ok: false,
      problems: checked.map((problem) => `carriers[${row.id}].${kind}: ${problem}`),
    };
  }
  return { ok: true, carrier: { id: row.id, name: row.name, settings: parsed.data } };
}

/**
 * Loads the carriers assigned to a connector pod from the carriers table (rows hold
 * `{ <kind>: {...} }` exactly as the config file's `carriers[].<kind>`). The assignment is the
 * pod's own configuration: an assigned id that is unknown or of another kind stops the boot with
 * a ConfigError. A carrier's settings are data an operator may change at any time: settings the
 * pod cannot use leave that carrier rejected (not held) and the others running, as they would
 * when changed while the pod runs, so a restart cannot turn one carrier's mistake into an outage
 * of the pod. A disabled carrier is reported and skipped.
 */
export async function loadCarriers<Schema extends z.ZodType>(
  prisma: PrismaClient,
  options: CarrierBootOptions<Schema>,
): Promise<LoadedCarriers<z.infer<Schema>>> {
  const { kind, assignment } = options;
  const rows = await readCarrierRows(prisma, kind, assignment);
  const problems: string[] = [];
  if (assignment !== 'all') {
    for (const id of assignment) {
      const row = rows.find((candidate) => candidate.id === id);
      if (!row) problems.push(`carriers: no carrier "${id}" in the database`);
      else if (row.kind !== kind)
        problems.push(`carriers: carrier "${id}" is kind ${row.kind}, not ${kind}`);
    }
  }
  if (problems.length > 0) throw new ConfigError('carriers table', problems);
  const carriers: LoadedCarrier<z.infer<Schema>>[] = [];
  const disabled: string[] = [];
  const rejected: RejectedCarrier[] = [];
  for (const row of rows) {
    if (row.kind !== kind || !isAssigned(assignment, row.id)) continue;
    if (!row.enabled) {
      disabled.push(row.id);
      continue;
    }
    const checked = checkUsable(row, options);
    if (checked.ok) carriers.push(checked.carrier);
    else rejected.push({ id: row.id, problems: checked.problems });
  }
  return { carriers, disabled, rejected, rows: rows.filter((row) => row.kind === kind) };
}

/**
 * The boot log's word on rejected carriers ('' when none): their ids only, as the watcher's first
 * poll logs each one's problems (and reports it) right after.
 */
export function rejectedAtBoot(rejected: readonly RejectedCarrier[]): string {
  return rejected.length > 0
    ? `; not taken up, settings rejected: ${rejected.map((carrier) => carrier.id).join(', ')}`
    : '';
}

/** checkCarrierRow, then the boot's `usable` probe. */
function checkUsable<Schema extends z.ZodType>(
  row: CarrierRow,
  options: CarrierBootOptions<Schema>,
): CarrierCheck<z.infer<Schema>> {
  const checked = checkCarrierRow(row, options);
  if (!checked.ok || !options.usable) return checked;
  try {
    options.usable(checked.carrier);
    return checked;
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
}
