import {
  COMMON_HTTP_PROBLEMS,
  HttpProblem,
  type ProblemDefinition,
  describeFieldErrors,
  type FieldError,
} from '@tuxhat/http-problem';

/**
 * Every error the admin API answers, by its stable machine-readable code: a wire contract with
 * operators' tooling (it switches on `code`). Add codes (and document them in openapi.yaml),
 * never rename or reuse one. Keep the list alphabetical within each block.
 */
export const ADMIN_PROBLEMS = {
  ...COMMON_HTTP_PROBLEMS,
  // Tenants, their API keys and client certificates.
  tenant_not_found: { status: 404, title: 'Tenant not found' },
  tenant_exists: { status: 409, title: 'Tenant exists' },
  tenant_in_use: { status: 409, title: 'Tenant in use' },
  api_key_not_found: { status: 404, title: 'API key not found' },
  client_certificate_exists: { status: 409, title: 'Client certificate exists' },
  client_certificate_invalid: { status: 400, title: 'Client certificate invalid' },
  client_certificate_not_found: { status: 404, title: 'Client certificate not found' },
  // Carriers.
  carrier_not_found: { status: 404, title: 'Carrier not found' },
  carrier_exists: { status: 409, title: 'Carrier exists' },
  carrier_in_use: { status: 409, title: 'Carrier in use' },
  inline_secret: { status: 400, title: 'Inline secret' },
  // Routing: rules, server groups, number ranges, prices.
  number_range_exists: { status: 409, title: 'Number range exists' },
  number_range_not_found: { status: 404, title: 'Number range not found' },
  price_currency_mismatch: { status: 409, title: 'Price currency mismatch' },
  price_exists: { status: 409, title: 'Price exists' },
  price_not_found: { status: 404, title: 'Price not found' },
  routing_rule_exists: { status: 409, title: 'Routing rule exists' },
  routing_rule_not_found: { status: 404, title: 'Routing rule not found' },
  server_group_exists: { status: 409, title: 'Server group exists' },
  server_group_in_use: { status: 409, title: 'Server group in use' },
  server_group_not_found: { status: 404, title: 'Server group not found' },
  // Accounting: tariffs and billing rules.
  billing_rule_exists: { status: 409, title: 'Billing rule exists' },
  billing_rule_not_found: { status: 404, title: 'Billing rule not found' },
  tariff_exists: { status: 409, title: 'Tariff exists' },
  tariff_not_found: { status: 404, title: 'Tariff not found' },
  // Tenant policies: suppression lists and prepaid balances.
  balance_currency_mismatch: { status: 409, title: 'Balance currency mismatch' },
  balance_not_found: { status: 404, title: 'Balance not found' },
  suppression_exists: { status: 409, title: 'Suppression exists' },
  suppression_not_found: { status: 404, title: 'Suppression not found' },
  // DLR paths, webhook secrets, DLR triggers, MO handlers, webhook deliveries.
  dlr_path_exists: { status: 409, title: 'DLR path exists' },
  dlr_path_not_found: { status: 404, title: 'DLR path not found' },
  dlr_trigger_exists: { status: 409, title: 'DLR trigger exists' },
  dlr_trigger_not_found: { status: 404, title: 'DLR trigger not found' },
  kafka_unavailable: { status: 409, title: 'Kafka unavailable' },
  mo_handler_exists: { status: 409, title: 'MO handler exists' },
  mo_handler_not_found: { status: 404, title: 'MO handler not found' },
  webhook_delivery_not_found: { status: 404, title: 'Webhook delivery not found' },
  webhook_secret_not_found: { status: 404, title: 'Webhook secret not found' },
} as const satisfies Record<string, ProblemDefinition>;

export type AdminProblemCode = keyof typeof ADMIN_PROBLEMS;

/** A failure the operator is told about; anything else thrown is a bug and answers `internal`. */
export class AdminProblem extends HttpProblem<AdminProblemCode> {
  override readonly name = 'AdminProblem';

  protected get definition(): ProblemDefinition {
    return ADMIN_PROBLEMS[this.code];
  }

  /** `validation_failed` listing every field error at once. */
  static validation(errors: readonly FieldError[]): AdminProblem {
    return new AdminProblem('validation_failed', describeFieldErrors(errors), errors);
  }
}
