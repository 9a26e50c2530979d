import { ConfigError } from '@tuxhat/config';

import type { SnsCarrier } from './sns-carrier.repository';
import { awsClientConfigFor } from './sns-client.factory';

const carrier = (settings: Partial<SnsCarrier['settings']> = {}): SnsCarrier => ({
  id: 'aws-eu',
  name: 'AWS EU',
  settings: { region: 'eu-west-1', ...settings },
});

describe(awsClientConfigFor.name, () => {
  it('uses the endpoint and resolves the credentials from the environment', () => {
    const config = awsClientConfigFor(
      carrier({
        endpoint: 'http://127.0.0.1:5055',
        accessKeyId: { env: 'SNS_KEY_ID' },
        secretAccessKey: { env: 'SNS_SECRET' },
      }),
      10_000,
      { SNS_KEY_ID: 'AKIA0000', SNS_SECRET: 'shh' },
    );
    expect(config).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5055',
      credentials: { accessKeyId: 'AKIA0000', secretAccessKey: 'shh' },
      maxAttempts: 1,
    });
  });

  it('leaves credentials to the AWS default chain when the carrier names none', () => {
    const config = awsClientConfigFor(carrier(), 10_000, {});
    expect(config.credentials).toBeUndefined();
    expect(config.endpoint).toBeUndefined();
  });

  it('names the key when a secret variable is unset', () => {
    expect(() =>
      awsClientConfigFor(
        carrier({ accessKeyId: { env: 'NOPE' }, secretAccessKey: 'x' }),
        10_000,
        {},
      ),
    ).toThrow(ConfigError);
  });
});
