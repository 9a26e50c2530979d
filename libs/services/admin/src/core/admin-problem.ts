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
  // Tenants and their API keys.
  tenant_not_found: { status: 404, title: 'Tenant not found' },
  tenant_exists: { status: 409, title: 'Tenant exists' },
  tenant_in_use: { status: 409, title: 'Tenant in use' },
  api_key_not_found: { status: 404, title: 'API key not found' },
  // Carriers.
  carrier_not_found: { status: 404, title: 'Carrier not found' },
  carrier_exists: { status: 409, title: 'Carrier exists' },
  carrier_in_use: { status: 409, title: 'Carrier in use' },
  inline_secret: { status: 400, title: 'Inline secret' },
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
