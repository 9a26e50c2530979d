/** A variable the integration tests need; its absence fails the test run loudly, never skips it. */
export function requiredTestEnv(
  name:
    | 'KAFKA_BROKERS'
    | 'KAFKA_SASL_BROKERS'
    | 'KAFKA_MTLS_BROKERS'
    | 'KAFKA_MTLS_CA_FILE'
    | 'KAFKA_MTLS_CERT_FILE'
    | 'KAFKA_MTLS_KEY_FILE'
    | 'DATABASE_URL',
): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: integration tests run against real infrastructure. ` +
        'Start it with `eval "$(scripts/infra/up.sh)"` or run `npm test`.',
    );
  }
  return value;
}
