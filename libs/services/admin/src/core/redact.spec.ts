import { REDACTED, redactSecrets } from './redact';

describe(redactSecrets.name, () => {
  it('replaces secret strings wherever they are, keeps references and everything else', () => {
    expect(
      redactSecrets({
        name: 'Telco A',
        smpp: { host: 'h', password: 'hunter2', systemId: 'tuxhat' },
        sns: { secretAccessKey: 'wJalr', accessKeyId: { env: 'AWS_KEY_ID' } },
        keys: [{ prefix: 'thk_a', secretHash: 'ab'.repeat(32), key: 'thk_a_x', token: 't' }],
        count: 3,
        at: new Date('2026-11-26T00:00:00.000Z'),
        id: 12n,
        none: null,
      }),
    ).toEqual({
      name: 'Telco A',
      smpp: { host: 'h', password: REDACTED, systemId: 'tuxhat' },
      sns: { secretAccessKey: REDACTED, accessKeyId: { env: 'AWS_KEY_ID' } },
      keys: [{ prefix: 'thk_a', secretHash: REDACTED, key: REDACTED, token: REDACTED }],
      count: 3,
      at: '2026-11-26T00:00:00.000Z',
      id: '12',
      none: null,
    });
  });

  it('leaves the input untouched', () => {
    const input = { password: 'hunter2' };
    redactSecrets(input);
    expect(input.password).toBe('hunter2');
  });
});
