import { DEFAULT_PRIORITY_CLASS, type MessageFields, type PriorityClass } from '@tuxhat/contracts';

import { countryOf } from './country-of';
import { type NumberRangeIndex, e164Digits } from './number-ranges';

/**
 * What rules look at in a message, derived once per routing decision. The costly facts
 * (country by libphonenumber, network by the range table, first word) are computed only if a
 * rule asks for them, and then only once.
 */
export class MessageFacts {
  readonly messageId: string;
  readonly tenantId: string;
  readonly classOfService: PriorityClass;
  readonly digits: string;
  /** Lower case. */
  readonly sender: string;
  readonly rawSender: string;
  readonly text: string;
  readonly now: Date;
  private countryValue: string | null | undefined;
  private networkValue: string | null | undefined;
  private keywordValue: string | undefined;

  constructor(
    message: Pick<
      MessageFields,
      'messageId' | 'tenantId' | 'destination' | 'source' | 'text' | 'priority'
    >,
    private readonly ranges: NumberRangeIndex,
    now: Date,
  ) {
    this.messageId = message.messageId;
    this.tenantId = message.tenantId;
    this.classOfService = message.priority ?? DEFAULT_PRIORITY_CLASS;
    this.digits = e164Digits(message.destination);
    this.rawSender = message.source;
    this.sender = message.source.toLowerCase();
    this.text = message.text;
    this.now = now;
  }

  /** ISO 3166-1 alpha-2 of the destination, null when libphonenumber cannot tell. */
  get country(): string | null {
    if (this.countryValue === undefined) {
      this.countryValue = countryOf(this.digits);
    }
    return this.countryValue;
  }

  /** Lower-case network name of the destination from the number ranges, null when none covers it. */
  get network(): string | null {
    if (this.networkValue === undefined) {
      this.networkValue = this.ranges.lookup(this.digits)?.network.toLowerCase() ?? null;
    }
    return this.networkValue;
  }

  /** The first word of the text, lower case ("BAL 1234" -> "bal"). */
  get keyword(): string {
    this.keywordValue ??= firstWord(this.text).toLowerCase();
    return this.keywordValue;
  }
}

export function firstWord(text: string): string {
  return /^\s*(\S+)/u.exec(text)?.[1] ?? '';
}
