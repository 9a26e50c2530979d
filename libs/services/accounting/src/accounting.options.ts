export interface AccountingOptions {
  /** ISO 4217 currency of cost and price amounts. */
  readonly currency: string;
}

export const ACCOUNTING_OPTIONS = Symbol('tuxhat:accounting:options');
