import { type ResolvedSmppSettings, resolveSmppSettings, smppSettingsSchema } from '@tuxhat/config';
import {
  type CarrierAssignment,
  type LoadedCarrier,
  type LoadedCarriers,
  loadCarriers,
} from '@tuxhat/connector-kit';
import type { PrismaClient } from '@tuxhat/database';
import type { BindType } from '@tuxhat/smpp';
import type { z } from 'zod';

import { createEsmeClient } from './esme-client.factory';

/** A carrier's SMPP settings with every default applied. */
export type SmppSettings = ResolvedSmppSettings;

/** An SMPP carrier this pod holds binds for, with its validated settings (secrets still references). */
export type SmppCarrier = LoadedCarrier<SmppSettings>;

/** What the boot read: the pod's carriers, and every SMPP row (for the SMSC accounts). */
export type LoadedSmppCarriers = LoadedCarriers<SmppSettings>;

/**
 * Loads the SMPP carriers assigned to this pod from the carriers table (rows hold
 * `{ smpp: {...} }` exactly as the config file's `carriers[].smpp`). An assigned id that is
 * unknown or not an SMPP carrier stops the boot with a ConfigError; a carrier whose settings do
 * not validate, or that a bind cannot use (its password variable not set here, a TLS file not
 * readable, a system_id too long), is rejected, not held (see loadCarriers); a disabled carrier
 * is reported and skipped.
 */
export async function loadSmppCarriers(
  prisma: PrismaClient,
  assignment: CarrierAssignment,
): Promise<LoadedSmppCarriers> {
  const loaded = await loadCarriers(prisma, {
    kind: 'smpp',
    assignment,
    settings: smppSettingsSchema,
    usable: checkSmppCarrierUsable,
  });
  return {
    ...loaded,
    carriers: loaded.carriers.map((carrier) => ({
      ...carrier,
      settings: resolveSmppSettings(carrier.settings),
    })),
  };
}

/**
 * Throws the ConfigError creating any of the carrier's binds would: its password variable not
 * set here, a TLS file not readable, a system_id too long. Connects nothing.
 */
export function checkSmppCarrierUsable(
  carrier: LoadedCarrier<z.infer<typeof smppSettingsSchema>>,
): void {
  const resolved = { ...carrier, settings: resolveSmppSettings(carrier.settings) };
  for (const mode of new Set(bindModesOf(resolved.settings))) createEsmeClient(resolved, mode, {});
}

/** The binds one pod opens to the carrier, one entry per bind: `binds` expanded, else `bindMode`. */
export function bindModesOf(settings: Pick<SmppSettings, 'binds' | 'bindMode'>): BindType[] {
  const binds = settings.binds ?? [{ mode: settings.bindMode, count: 1 }];
  return binds.flatMap((bind) => Array.from({ length: bind.count }, () => bind.mode));
}

/** transmitter and transceiver binds submit; a receiver bind brings MO and receipts only (§2.2). */
export function canSubmitOn(mode: BindType): boolean {
  return mode !== 'receiver';
}

/** Whether the carrier takes MT at all from this pod: some bind submits. */
export function canSubmit(carrier: SmppCarrier): boolean {
  return bindModesOf(carrier.settings).some(canSubmitOn);
}
