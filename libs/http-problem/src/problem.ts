/** How one problem code is answered over HTTP. */
export interface ProblemDefinition {
  readonly status: number;
  readonly title: string;
}

/** One reason a field was rejected; `code` is stable (e.g. `to_invalid`), `message` is for humans. */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** The application/problem+json body (RFC 9457) with our stable `code`. */
export interface ProblemDocument<Code extends string = string> {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: Code;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

/**
 * A failure an API client is told about, with a stable machine-readable code. Each API has its
 * own catalog of codes (a wire contract: add codes, never rename or reuse one) and a subclass
 * that looks its codes up there; HttpProblemFilter renders any of them as problem+json.
 */
export abstract class HttpProblem<Code extends string = string> extends Error {
  override readonly name: string = 'HttpProblem';

  constructor(
    readonly code: Code,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(`${code}: ${detail}`);
  }

  /** The catalog entry of this problem's code. */
  protected abstract get definition(): ProblemDefinition;

  get status(): number {
    return this.definition.status;
  }

  toDocument(): ProblemDocument<Code> {
    const { status, title } = this.definition;
    return {
      type: problemType(this.code),
      title,
      status,
      code: this.code,
      detail: this.detail,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

/**
 * The problem `type` URI. A URN rather than a documentation URL: it is stable and does not
 * pretend to resolve to a page that does not exist yet.
 */
export function problemType(code: string): string {
  return `urn:tuxhat:problem:${code}`;
}

export const INTERNAL_DETAIL = 'an internal error occurred; it has been logged';

/**
 * The codes the HTTP layer itself answers (before or around any route), shared by every API
 * of the gateway so a client sees the same code for the same transport mistake everywhere.
 * Every API's own catalog includes them with the same status.
 */
export const COMMON_HTTP_PROBLEMS = {
  unauthorized: { status: 401, title: 'Unauthorized' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  validation_failed: { status: 400, title: 'Validation failed' },
  bad_request: { status: 400, title: 'Bad request' },
  not_found: { status: 404, title: 'Not found' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemDefinition>;

export type CommonProblemCode = keyof typeof COMMON_HTTP_PROBLEMS;

/** A problem with one of the common codes, as the HTTP layer raises it. */
export class CommonProblem extends HttpProblem<CommonProblemCode> {
  override readonly name = 'CommonProblem';

  protected get definition(): ProblemDefinition {
    return COMMON_HTTP_PROBLEMS[this.code];
  }
}
