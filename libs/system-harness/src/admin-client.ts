/** A JSON answer of the admin API: its HTTP status and parsed body. */
export interface AdminResponse {
  status: number;
  body: Record<string, unknown>;
}

/** What an operator does: calls to a running gateway's admin API with an admin key. */
export class AdminClient {
  constructor(
    private readonly adminUrl: string,
    private readonly adminKey: string,
  ) {}

  get(path: string): Promise<AdminResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<AdminResponse> {
    return this.request('POST', path, body);
  }

  patch(path: string, body: unknown): Promise<AdminResponse> {
    return this.request('PATCH', path, body);
  }

  /** Calls `/admin/v1<path>`. */
  async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const response = await fetch(`${this.adminUrl}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }
}
