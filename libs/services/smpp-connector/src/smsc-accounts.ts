import { smppSettingsSchema } from '@tuxhat/config';
import { type CarrierRow, checkCarrierRow } from '@tuxhat/connector-kit';

/**
 * Each carrier's fellow carriers on its SMSC account, itself included, sorted; a carrier alone
 * on its account is absent.
 */
export type SmscAccounts = ReadonlyMap<string, readonly string[]>;

/**
 * The SMPP carriers of the carriers table grouped by SMSC account (host, port, system_id).
 * Every row counts, whichever pod holds it and enabled or not: the SMSC may deliver the receipt
 * of a message one of them sent on a bind of any other, and a carrier disabled since still gets
 * receipts for what it sent before. A row whose settings do not validate names no account.
 */
export function smscAccountsOf(rows: readonly CarrierRow[]): SmscAccounts {
  const byAccount = new Map<string, string[]>();
  for (const row of rows) {
    if (row.kind !== 'smpp') continue;
    const check = checkCarrierRow(row, { kind: 'smpp', settings: smppSettingsSchema });
    if (!check.ok) continue;
    const { host, port, systemId } = check.carrier.settings;
    const account = JSON.stringify([host, port, systemId]);
    byAccount.set(account, [...(byAccount.get(account) ?? []), row.id]);
  }
  const byCarrier = new Map<string, readonly string[]>();
  for (const carriers of byAccount.values()) {
    if (carriers.length < 2) continue;
    const sorted = [...carriers].sort();
    for (const id of sorted) byCarrier.set(id, sorted);
  }
  return byCarrier;
}

/** The account groups in `after` that `before` did not have: each once, for a log line. */
export function newAccountGroups(before: SmscAccounts, after: SmscAccounts): string[][] {
  const known = new Set([...before.values()].map((carriers) => carriers.join()));
  const groups = new Map<string, string[]>();
  for (const carriers of after.values()) {
    const key = carriers.join();
    if (!known.has(key)) groups.set(key, [...carriers]);
  }
  return [...groups.values()];
}
