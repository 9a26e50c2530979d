import { Metadata, type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';

/**
 * E.164 validation by libphonenumber-js's full ("max") metadata, i.e. by the numbering plan
 * and not only by length, answering exactly as `parsePhoneNumberFromString(value).isValid()`
 * does, at a fraction of its cost for the common case.
 *
 * libphonenumber-js costs ~20 us per new number (more on a loaded machine): its CommonJS build
 * spreads objects and builds a Metadata wrapper per step, and compiles a RegExp from the
 * metadata's pattern text on every match. Traffic goes to many distinct numbers, so caching
 * answers does not avoid that. For a plain `+<digits>` number (what API clients send) this
 * does the library's own steps with the patterns compiled once per calling code: the calling
 * code (the shortest known 1-3 digit prefix), the country among those sharing it (leading
 * digits, else the first whose number types match), then the number type, which is what
 * validity means. Whatever would take one of the library's rarer paths (a national prefix or
 * carrier code to strip, a non-geographic code like +800, separators, unusual lengths) is
 * answered by the library itself. e164.spec.ts compares the two over every calling code.
 */

/** The number types libphonenumber-js tries, in its order (getNumberType). */
const NON_FIXED_LINE_TYPES = [
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;
type NumberType = 'FIXED_LINE' | (typeof NON_FIXED_LINE_TYPES)[number];

/** libphonenumber-js's NSN bounds (constants.js: MIN_LENGTH_FOR_NSN, MAX_LENGTH_FOR_NSN). */
const MIN_NSN_LENGTH = 2;
const MAX_NSN_LENGTH = 17;
const MAX_CALLING_CODE_LENGTH = 3;
const PLAIN_E164 = /^\+\d+$/;

/** The untyped part of libphonenumber-js's Metadata API this reads (metadata.js). */
interface PlanView {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | 0 | undefined;
  leadingDigits(): string | 0 | undefined;
  hasTypes(): boolean;
  type(
    type: NumberType,
  ): { pattern(): string | 0; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataView {
  hasCallingCode(callingCode: string): boolean | undefined;
  isNonGeographicCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: PlanView;
}

interface TypeRule {
  readonly pattern: RegExp;
  readonly lengths: readonly number[] | undefined;
}

/** One country's numbering plan with its patterns compiled. */
interface CompiledCountry {
  readonly nationalNumber: RegExp;
  /** Null when the plan has no types (validity is then the national number pattern alone). */
  readonly types: {
    readonly fixedLine: TypeRule | undefined;
    readonly others: readonly TypeRule[];
  } | null;
  /** Leading digits that pick this country among those sharing its calling code. */
  readonly leadingDigits: RegExp | undefined;
}

/** A calling code: its countries (the first is the code's main plan), or null for the slow path. */
interface CompiledCallingCode {
  readonly nationalPrefix: RegExp | undefined;
  readonly countries: readonly CompiledCountry[];
}

/** The JSON as typed by TypeScript's JSON import is wider than the library's type. */
const metadata = maxMetadata as unknown as MetadataJson;
const view = new Metadata(metadata) as unknown as MetadataView;
/** Every prefix looked up so far: compiled, null (the library decides) or false (no code). */
const callingCodes = new Map<string, CompiledCallingCode | null | false>();

function entirely(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function typeRule(plan: PlanView, type: NumberType): TypeRule | undefined {
  const definition = plan.type(type);
  const pattern = definition?.pattern();
  if (!definition || !pattern) return undefined;
  return { pattern: entirely(pattern), lengths: definition.possibleLengths() };
}

function compileCountry(country: string): CompiledCountry {
  view.selectNumberingPlan(country);
  const plan = view.numberingPlan;
  const leadingDigits = plan.leadingDigits();
  return {
    nationalNumber: entirely(plan.nationalNumberPattern()),
    types: plan.hasTypes()
      ? {
          fixedLine: typeRule(plan, 'FIXED_LINE'),
          others: NON_FIXED_LINE_TYPES.map((type) => typeRule(plan, type)).filter(
            (rule): rule is TypeRule => rule !== undefined,
          ),
        }
      : null,
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
  };
}

/** A calling code's plans, compiled on first use; null when the code needs the library. */
function compiledCallingCode(code: string): CompiledCallingCode | null | undefined {
  const known = callingCodes.get(code);
  if (known !== undefined) return known === false ? undefined : known;
  if (!view.hasCallingCode(code)) {
    // At most 10 + 100 + 1,000 prefixes: every one answered once.
    callingCodes.set(code, false);
    return undefined;
  }
  const countries = view.isNonGeographicCallingCode(code)
    ? undefined
    : view.getCountryCodesForCallingCode(code);
  let compiled: CompiledCallingCode | null = null;
  if (countries && countries.length > 0) {
    // parse() selects the calling code's main plan (its first country) to strip a prefix.
    view.selectNumberingPlan(code);
    const prefix = view.numberingPlan.nationalPrefixForParsing();
    compiled = {
      nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
      countries: countries.map(compileCountry),
    };
  }
  callingCodes.set(code, compiled);
  return compiled;
}

function matchesType(rule: TypeRule | undefined, nationalNumber: string): boolean {
  if (!rule) return false;
  if (rule.lengths && !rule.lengths.includes(nationalNumber.length)) return false;
  return rule.pattern.test(nationalNumber);
}

/** Whether the number has a type in the plan (getNumberType(...) !== undefined). */
function hasNumberType(country: CompiledCountry, nationalNumber: string): boolean {
  const types = country.types!;
  if (!country.nationalNumber.test(nationalNumber)) return false;
  // A fixed-line match is a type whatever MOBILE says (FIXED_LINE or FIXED_LINE_OR_MOBILE).
  if (matchesType(types.fixedLine, nationalNumber)) return true;
  return types.others.some((rule) => matchesType(rule, nationalNumber));
}

function isValidIn(country: CompiledCountry, nationalNumber: string): boolean {
  return country.types
    ? hasNumberType(country, nationalNumber)
    : country.nationalNumber.test(nationalNumber);
}

/** The country parse() picks among those sharing a calling code (getCountryByNationalNumber). */
function countryFor(
  countries: readonly CompiledCountry[],
  nationalNumber: string,
): CompiledCountry | undefined {
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    if (country.leadingDigits) {
      if (nationalNumber.search(country.leadingDigits) === 0) return country;
    } else if (country.types && hasNumberType(country, nationalNumber)) {
      return country;
    }
  }
  return undefined;
}

/**
 * `+<digits>` checked by the compiled plans: the E.164 form, null when invalid, or undefined
 * when the library must decide.
 */
function fastPath(value: string): string | null | undefined {
  if (!PLAIN_E164.test(value) || value[1] === '0') return undefined;
  for (let length = 1; length <= MAX_CALLING_CODE_LENGTH && length < value.length; length++) {
    const code = compiledCallingCode(value.slice(1, 1 + length));
    if (code === undefined) continue;
    if (code === null) return undefined;
    const nationalNumber = value.slice(1 + length);
    if (nationalNumber.length < MIN_NSN_LENGTH || nationalNumber.length > MAX_NSN_LENGTH) {
      return undefined;
    }
    if (code.nationalPrefix?.test(nationalNumber)) return undefined;
    // No country matched: isValid() then uses the calling code's main plan.
    const country = countryFor(code.countries, nationalNumber) ?? code.countries[0];
    return isValidIn(country, nationalNumber) ? value : null;
  }
  return undefined;
}

/** The E.164 form of an international number valid by the numbering plan, or null. */
export function validE164(value: string): string | null {
  const fast = fastPath(value);
  if (fast !== undefined) return fast;
  return libraryE164(value);
}

/** The library's answer (also the reference the spec compares the fast path with). */
export function libraryE164(value: string): string | null {
  const phone = parsePhoneNumberFromString(value, metadata);
  return phone?.isValid() && phone.ext === undefined ? phone.number : null;
}
