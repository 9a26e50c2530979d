import {
  type E2eTenant,
  GatewayProcess,
  SimulatorProcess,
  writeGatewayConfig,
} from '@tuxhat/system-harness';

/** moto's URL (npm test starts it and exports SNS_ENDPOINT), or a loud failure. */
export function snsEndpoint(): string {
  const endpoint = process.env['SNS_ENDPOINT'];
  if (!endpoint) throw new Error('SNS_ENDPOINT is not set: run the tests with `npm test`');
  return endpoint;
}

/** An SNS carrier's settings on moto, its keys by reference (the gateway's environment has them). */
export function motoCarrierSettings(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    region: 'eu-west-1',
    endpoint: snsEndpoint(),
    accessKeyId: { env: 'E2E_SNS_KEY_ID' },
    secretAccessKey: { env: 'E2E_SNS_SECRET' },
    ...extra,
  };
}

/**
 * The all-in-one gateway for tests of SNS carriers, started: tenant `acme`, an SMPP simulator
 * as carrier telco-a (+38267), and the keys motoCarrierSettings names in its environment. The
 * test adds its SNS carrier through the admin API, then calls restart().
 */
export async function startGatewayForSns(): Promise<{
  smsc: SimulatorProcess;
  gateway: GatewayProcess;
  tenant: E2eTenant;
  /** The all-in-one gateway starts an SNS connector when it boots with SNS carriers. */
  restart: () => Promise<void>;
}> {
  const smsc = await SimulatorProcess.create();
  const { file, tenants } = writeGatewayConfig(
    ['acme'],
    [{ id: 'telco-a', port: smsc.port, password: smsc.password, prefix: '+38267' }],
  );
  const gateway = await GatewayProcess.create({
    TUXHAT_CONFIG: file,
    SIMULATOR: 'false',
    E2E_SNS_KEY_ID: 'AKIATESTTESTTEST',
    E2E_SNS_SECRET: 'test-secret',
  });
  await smsc.start();
  await gateway.start();
  const restart = async () => {
    await gateway.stop('SIGTERM');
    await gateway.start();
  };
  return { smsc, gateway, tenant: tenants[0], restart };
}
