/**
 * SMPP addresses (SMPP 3.4 §5.2.5 addr_ton, §5.2.6 addr_npi) for the gateway's numbers: E.164
 * destinations, and senders that are numbers, short codes or alphanumeric ids.
 */

/** §5.2.5 Type of Number values the connector uses. */
export const Ton = {
  UNKNOWN: 0,
  INTERNATIONAL: 1,
  NETWORK_SPECIFIC: 3,
  ALPHANUMERIC: 5,
} as const;

/** §5.2.6 Numeric Plan Indicator values the connector uses. */
export const Npi = {
  UNKNOWN: 0,
  ISDN_E164: 1,
} as const;

export interface SmppAddress {
  readonly addr: string;
  readonly ton: number;
  readonly npi: number;
}

/** A carrier's TON/NPI settings: absent source values mean "by the kind of sender". */
export interface AddressingSettings {
  readonly sourceTon?: number | undefined;
  readonly sourceNpi?: number | undefined;
  readonly destTon: number;
  readonly destNpi: number;
}

/** Short codes (e.g. 1234, 88088) are at most this many digits; longer digit strings are numbers. */
const MAX_SHORT_CODE_DIGITS = 6;

/**
 * A sender as submit_sm's source_addr: `+38267...` or a long digit string is international
 * (TON 1, NPI 1, sent without the `+`), a short digit string a network-specific short code
 * (TON 3, NPI 1), anything else an alphanumeric sender id (TON 5, NPI 0). A carrier that wants
 * other values sets them (`sourceTon`, `sourceNpi`).
 */
export function sourceAddressOf(
  source: string,
  settings?: Pick<AddressingSettings, 'sourceTon' | 'sourceNpi'>,
): SmppAddress {
  const address = defaultSourceAddress(source);
  return {
    addr: address.addr,
    ton: settings?.sourceTon ?? address.ton,
    npi: settings?.sourceNpi ?? address.npi,
  };
}

function defaultSourceAddress(source: string): SmppAddress {
  const digits = /^\+?(\d+)$/.exec(source)?.[1];
  if (digits === undefined) return { addr: source, ton: Ton.ALPHANUMERIC, npi: Npi.UNKNOWN };
  if (source.startsWith('+') || digits.length > MAX_SHORT_CODE_DIGITS) {
    return { addr: digits, ton: Ton.INTERNATIONAL, npi: Npi.ISDN_E164 };
  }
  return { addr: digits, ton: Ton.NETWORK_SPECIFIC, npi: Npi.ISDN_E164 };
}

/** An E.164 destination (`+38267123456`) as destination_addr: digits only, TON/NPI 1/1 unless the carrier says otherwise. */
export function destinationAddressOf(
  e164: string,
  settings?: Pick<AddressingSettings, 'destTon' | 'destNpi'>,
): SmppAddress {
  return {
    addr: e164.replace(/^\+/, ''),
    ton: settings?.destTon ?? Ton.INTERNATIONAL,
    npi: settings?.destNpi ?? Npi.ISDN_E164,
  };
}

/**
 * An address the carrier sent (deliver_sm source/destination) as the gateway writes numbers:
 * international numbers get their `+` back, everything else stays as the carrier spelled it.
 */
export function addressFromCarrier(addr: string, ton: number): string {
  if (ton === Ton.INTERNATIONAL && /^\d+$/.test(addr)) return `+${addr}`;
  return addr;
}
