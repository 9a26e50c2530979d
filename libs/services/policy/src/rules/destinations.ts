import type { DestinationMatcher, TenantPolicyDocument } from '@tuxhat/contracts';

/** What a destination rule needs to know about the number. */
export interface Destination {
  /** E.164 with "+". */
  readonly number: string;
  /** ISO 3166-1 alpha-2, resolved lazily (only country rules and destination zones need it). */
  country(): string | undefined;
}

export type DestinationVerdict =
  | {
      readonly allowed: true;
      /** The allow rule that matched, when there is an allow list. */ readonly rule?: string;
    }
  | {
      readonly allowed: false;
      readonly rule: string;
      readonly reason: 'destination-denied' | 'destination-not-allowed';
    };

interface CompiledMatcher {
  readonly rule: string;
  readonly usesCountry: boolean;
  matches(destination: Destination): boolean;
}

/**
 * A policy's allowed and denied destinations: E.164 prefixes, countries, explicit numbers and
 * regular expressions. Deny wins; an empty allow list allows everything not denied.
 */
export class DestinationRules {
  private readonly allow: CompiledMatcher[];
  private readonly deny: CompiledMatcher[];

  /** Throws on an invalid regular expression (the policy is then unusable, see TenantPolicies). */
  constructor(destinations: TenantPolicyDocument['destinations']) {
    this.allow = destinations.allow.map((matcher, index) =>
      compileMatcher(matcher, `destinations.allow[${index}]`),
    );
    this.deny = destinations.deny.map((matcher, index) =>
      compileMatcher(matcher, `destinations.deny[${index}]`),
    );
  }

  get usesCountry(): boolean {
    return [...this.allow, ...this.deny].some((matcher) => matcher.usesCountry);
  }

  evaluate(destination: Destination): DestinationVerdict {
    const denied = this.deny.find((matcher) => matcher.matches(destination));
    if (denied) return { allowed: false, rule: denied.rule, reason: 'destination-denied' };
    if (this.allow.length === 0) return { allowed: true };
    const allowed = this.allow.find((matcher) => matcher.matches(destination));
    if (allowed) return { allowed: true, rule: allowed.rule };
    return { allowed: false, rule: 'destinations.allow', reason: 'destination-not-allowed' };
  }
}

function compileMatcher(matcher: DestinationMatcher, path: string): CompiledMatcher {
  if ('prefix' in matcher) {
    const prefix = `+${matcher.prefix}`;
    return {
      rule: `${path} prefix ${matcher.prefix}`,
      usesCountry: false,
      matches: (destination) => destination.number.startsWith(prefix),
    };
  }
  if ('country' in matcher) {
    return {
      rule: `${path} country ${matcher.country}`,
      usesCountry: true,
      matches: (destination) => destination.country() === matcher.country,
    };
  }
  if ('number' in matcher) {
    return {
      rule: `${path} number ${matcher.number}`,
      usesCountry: false,
      matches: (destination) => destination.number === matcher.number,
    };
  }
  const pattern = new RegExp(matcher.pattern, 'u');
  return {
    rule: `${path} pattern ${matcher.pattern}`,
    usesCountry: false,
    matches: (destination) => pattern.test(destination.number),
  };
}
