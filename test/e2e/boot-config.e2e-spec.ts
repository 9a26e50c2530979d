import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { GatewayProcess } from '@tuxhat/system-harness';
import { ServiceProcess } from '@tuxhat/testing';

/** Configuration mistakes stop a process at boot with a message naming the key. */
describe('configuration errors at boot', () => {
  async function bootFails(
    entry: string,
    env: Record<string, string>,
  ): Promise<{ code: number | null; output: string }> {
    const process = new ServiceProcess('misconfigured', entry, env).start();
    const code = await process.exited();
    return { code, output: process.logs };
  }

  const validCarrier = [
    '    name: Telco',
    '    kind: smpp',
    '    smpp:',
    '      host: 127.0.0.1',
    '      port: 2775',
    '      systemId: tuxhat',
    '      password: pw',
  ];

  async function gatewayWithConfig(
    lines: string[],
  ): Promise<{ code: number | null; output: string }> {
    const gateway = await GatewayProcess.create();
    const file = join(gateway.dataDir, 'tuxhat.yaml');
    writeFileSync(file, lines.join('\n'));
    try {
      return await bootFails('dist/apps/gateway/src/main.js', {
        TUXHAT_CONFIG: file,
        TUXHAT_DATA_DIR: gateway.dataDir,
        HTTP_PORT: String(gateway.httpPort),
        GRPC_PORT: String(gateway.grpcPort),
      });
    } finally {
      await gateway.dispose();
    }
  }

  it('names an unknown key in the gateway config file', async () => {
    const { code, output } = await gatewayWithConfig([
      'carriers:',
      '  - id: telco',
      ...validCarrier,
      'routes:',
      '  - id: default',
      '    priority: 1',
      '    carrier: telco',
      '    colour: blue',
    ]);
    expect(code).toBe(78);
    expect(output).toContain('routes[0].colour: unknown key');
  });

  it('names a missing carrier host', async () => {
    const { code, output } = await gatewayWithConfig([
      'carriers:',
      '  - id: telco',
      ...validCarrier.filter((line) => !line.includes('host:')),
      'routes:',
      '  - { id: default, priority: 1, carrier: telco }',
    ]);
    expect(code).toBe(78);
    expect(output).toContain('carriers[0].smpp.host: required');
  });

  it("names a carrier of the file whose password variable is not set (the file is configuration, not the admin API's data)", async () => {
    const { code, output } = await gatewayWithConfig([
      'carriers:',
      '  - id: telco',
      ...validCarrier.map((line) =>
        line.includes('password:') ? '      password: { env: TUXHAT_E2E_NOT_SET }' : line,
      ),
      'routes:',
      '  - { id: default, priority: 1, carrier: telco }',
    ]);
    expect(code).toBe(78);
    expect(output).toMatch(/invalid configuration in .*tuxhat\.yaml/);
    expect(output).toContain(
      'carriers[telco].smpp.password: environment variable TUXHAT_E2E_NOT_SET is not set',
    );
  });

  it('names a bad INGRESS_THREAD of the gateway', async () => {
    const gateway = await GatewayProcess.create();
    const { code, output } = await bootFails('dist/apps/gateway/src/main.js', {
      INGRESS_THREAD: 'sometimes',
      TUXHAT_DATA_DIR: gateway.dataDir,
      HTTP_PORT: String(gateway.httpPort),
      GRPC_PORT: String(gateway.grpcPort),
    }).finally(() => gateway.dispose());
    expect(code).toBe(78);
    expect(output).toContain('INGRESS_THREAD');
  });

  it('names a missing environment variable of a cluster service', async () => {
    const { code, output } = await bootFails('dist/apps/policy/src/main.js', {
      KAFKA_BROKERS: '',
      DATABASE_URL: 'mysql://nope',
    });
    expect(code).toBe(78);
    expect(output).toContain('KAFKA_BROKERS: required');
    expect(output).toContain('DATABASE_URL: a postgresql:// URL');
  });

  it.each([
    ['ingress', 'MESSAGE_RETENTION_DAYS'],
    ['dlr', 'MESSAGE_RETENTION_DAYS'],
    ['policy', 'MESSAGE_RETENTION_DAYS'],
    ['accounting', 'ACCOUNTING_RETENTION_DAYS'],
  ])('names a retention below the minimum in the %s service (%s)', async (service, key) => {
    const { code, output } = await bootFails(`dist/apps/${service}/src/main.js`, { [key]: '7' });
    expect(code).toBe(78);
    expect(output).toContain(`${key}: `);
  });
});
