import { WEBHOOK_URL_RULE, isWebhookUrl } from './webhook-url';

/** URL -> whether it may receive callbacks. */
const EXPECTED: Readonly<Record<string, boolean>> = {
  // HTTPS to any host, plain HTTP to this machine only.
  'https://hooks.example.org/dlr?tenant=acme': true,
  'https://hooks.example.org:8443/': true,
  'HTTPS://Hooks.Example.org/dlr': true,
  'http://localhost/dlr': true,
  'http://LOCALHOST:3000/dlr': true,
  'http://127.0.0.1:9000/x': true,
  'http://[::1]:9000/x': true,
  'http://example.com/dlr': false,
  'http://10.0.0.5/dlr': false,
  'http://127.0.0.2/dlr': false,
  'http://localhost.example.com/dlr': false,
  'http://example.com/?to=localhost': false,
  // No credentials, whatever the host.
  'https://user:pw@hooks.example.org/dlr': false,
  'https://user@hooks.example.org/dlr': false,
  'https://:pw@hooks.example.org/dlr': false,
  'http://user:pw@localhost/dlr': false,
  // Nothing but http(s) URLs.
  'ftp://hooks.example.org/dlr': false,
  'ws://localhost/dlr': false,
  'javascript:alert(1)': false,
  'https://': false,
  'not a url': false,
  '': false,
};

test(`${isWebhookUrl.name} answers each URL as expected`, () => {
  const answers = Object.fromEntries(Object.keys(EXPECTED).map((url) => [url, isWebhookUrl(url)]));
  expect(answers).toEqual(EXPECTED);
  expect(WEBHOOK_URL_RULE).toBe(
    'must be an https:// URL without credentials (http:// only to localhost)',
  );
});
