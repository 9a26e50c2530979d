import { request } from 'node:https';

import type { TestCertificate } from './test-pki';

export interface TlsAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * One REST call over TLS on a connection of its own (no keep-alive: each call presents its own
 * client certificate, or none), trusting `ca` for the server's certificate.
 */
export function httpsCall(
  url: string,
  options: {
    readonly ca: string;
    readonly client?: TestCertificate;
    readonly method?: 'GET' | 'POST';
    readonly key?: string;
    readonly body?: unknown;
  },
): Promise<TlsAnswer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ca: options.ca,
        cert: options.client?.cert,
        key: options.client?.key,
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
          }),
        );
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}
