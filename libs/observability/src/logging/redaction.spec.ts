import { REDACTED, redactText, redactValue } from './redaction';

const API_KEY = 'thk_k3x9m2pq_' + 'A'.repeat(43);
const ADMIN_KEY = 'tha_abcd1234_' + 'b-_'.repeat(14) + 'c';

describe(redactText.name, () => {
  it.each([
    [
      'a tenant API key (its public prefix stays)',
      `auth with ${API_KEY} failed`,
      'auth with thk_k3x9m2pq_[redacted] failed',
    ],
    ['an admin key', `key ${ADMIN_KEY}`, 'key tha_abcd1234_[redacted]'],
    ['a Bearer token', 'Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [redacted]'],
    [
      'a database URL password',
      'postgresql://tuxhat:s3cret@db:5432/tuxhat',
      'postgresql://tuxhat:[redacted]@db:5432/tuxhat',
    ],
    ['key=value secrets', 'password=hunter2&user=x', 'password=[redacted]&user=x'],
    [
      'JSON secrets',
      '{"secretAccessKey":"AKIAxyz","region":"eu"}',
      '{"secretAccessKey":"[redacted]","region":"eu"}',
    ],
    [
      'message text in JSON',
      '{"to":"+38267000111","text":"Your code is 123456"}',
      '{"to":"+38267000111","text":"[redacted]"}',
    ],
    [
      'message text in escaped JSON',
      String.raw`payload "{\"text\":\"Your code is 123456\",\"parts\":1}"`,
      String.raw`payload "{\"text\":\"[redacted]\",\"parts\":1}"`,
    ],
    [
      'the text of a delivery receipt',
      'receipt "id:1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:Your code is 1234"',
      'receipt "id:1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:[redacted]"',
    ],
  ])('redacts %s', (_what, input, expected) => {
    expect(redactText(input)).toBe(expected);
    expect(redactText(input)).not.toMatch(/123456|hunter2|s3cret|AKIAxyz|A{43}|abc\.def/);
  });

  it('keeps ordinary text as it is', () => {
    const line = 'message msg_01JD3 routed to telco-a (route default, priority 100)';
    expect(redactText(line)).toBe(line);
  });
});

describe(redactValue.name, () => {
  it('replaces secret and text properties at any depth, keeps references and ids', () => {
    const value = {
      messageId: 'msg_1',
      message: { text: 'Your code is 123456', destination: '+38267000111' },
      carrier: { smpp: { password: 'pw', passwordRef: { env: 'TELCO_A_SMPP_PASSWORD' } } },
      headers: [{ authorization: `Bearer ${API_KEY}` }],
    };
    expect(redactValue(value)).toEqual({
      messageId: 'msg_1',
      message: { text: REDACTED, destination: '+38267000111' },
      carrier: { smpp: { password: REDACTED, passwordRef: { env: 'TELCO_A_SMPP_PASSWORD' } } },
      headers: [{ authorization: REDACTED }],
    });
    expect(value.message.text).toBe('Your code is 123456'); // the original is not mutated
  });

  it('replaces properties named like secret environment variables, keeps the *_FILE paths', () => {
    const env = {
      KAFKA_SASL_USERNAME: 'tuxhat',
      KAFKA_SASL_PASSWORD: 'hunter2',
      KAFKA_SASL_PASSWORD_FILE: '/etc/tuxhat/kafka/password',
      smppPassword: 'pw',
    };
    expect(redactValue(env)).toEqual({
      KAFKA_SASL_USERNAME: 'tuxhat',
      KAFKA_SASL_PASSWORD: REDACTED,
      KAFKA_SASL_PASSWORD_FILE: '/etc/tuxhat/kafka/password',
      smppPassword: REDACTED,
    });
    expect(redactText('KAFKA_SASL_PASSWORD=hunter2')).toBe(`KAFKA_SASL_PASSWORD=${REDACTED}`);
  });

  it('replaces TLS key passphrases and the body of PEM private keys (Kafka client certificates)', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB7s3cr3t\n-----END EC PRIVATE KEY-----\n';
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBfz\n-----END CERTIFICATE-----\n';
    expect(redactValue({ ssl: { cert, key, passphrase: 'open sesame' } })).toEqual({
      ssl: {
        cert,
        key: `-----BEGIN EC PRIVATE KEY-----${REDACTED}-----END EC PRIVATE KEY-----\n`,
        passphrase: REDACTED,
      },
    });
    expect(redactText(`bundle ${key}${cert}`)).not.toContain('s3cr3t');
  });

  it('redacts error messages and stacks, and survives cycles', () => {
    const error = new Error(`connect postgresql://u:pw@h/db failed`);
    const redacted = redactValue(error) as Error;
    expect(redacted.message).toBe('connect postgresql://u:[redacted]@h/db failed');
    expect(redacted.stack).not.toContain(':pw@');
    const cyclic: Record<string, unknown> = { token: 't' };
    cyclic.self = cyclic;
    expect((redactValue(cyclic) as Record<string, unknown>).token).toBe(REDACTED);
  });
});
