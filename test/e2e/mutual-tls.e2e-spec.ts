import { GatewayProcess } from '@tuxhat/system-harness';
import {
  ServiceProcess,
  TestCa,
  type TestDatabase,
  createTestDatabase,
  httpsCall,
  waitFor,
} from '@tuxhat/testing';

const MESSAGE = { to: '+38267123456', from: 'TuxHat', text: 'Hello over mutual TLS' };

/**
 * The all-in-one gateway on PostgreSQL with TLS on the tenant API: the INGRESS_TLS_* files are
 * read by the main thread and reach ingress on its worker thread; a client certificate
 * registered through the admin API authenticates the demo tenant.
 */
describe('all-in-one gateway with mutual TLS on the tenant API', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let pki: TestCa;
  let banner: string;
  let demoApiKey: string;

  beforeAll(async () => {
    pki = TestCa.create('E2E Tenants CA');
    const server = pki.server();
    database = await createTestDatabase('e2e_mutual_tls');
    gateway = await GatewayProcess.create({
      DATABASE_URL: database.url,
      INGRESS_THREAD: 'auto',
      INGRESS_TLS_CERT_FILE: server.certFile,
      INGRESS_TLS_KEY_FILE: server.keyFile,
      INGRESS_TLS_CLIENT_CA_FILE: pki.ca.certFile,
    });
    const started = await gateway.start();
    banner = started.banner;
    demoApiKey = started.demoApiKey!;
  });

  afterAll(async () => {
    await gateway?.dispose('SIGKILL');
    await database?.drop();
    pki?.dispose();
  });

  const url = (path: string) => `https://127.0.0.1:${gateway.httpPort}${path}`;

  it('serves HTTPS from the ingress thread, with API keys as before', async () => {
    expect(banner).toContain(`https://127.0.0.1:${gateway.httpPort}/v1/messages`);
    expect(banner).toContain('Ingress   on its own worker thread');
    const sent = await httpsCall(url('/v1/messages'), {
      ca: pki.ca.cert,
      key: demoApiKey,
      body: MESSAGE,
    });
    expect(sent.status).toBe(202);
  });

  it('authenticates a client certificate registered through the admin API, until revoked', async () => {
    const client = pki.client('demo-client');
    const registered = await gateway.admin().post('/tenants/demo/client-certificates', {
      certificate: client.cert,
      label: 'demo',
    });
    expect(registered.status).toBe(201);
    const byCertificate = () =>
      httpsCall(url('/v1/messages'), { ca: pki.ca.cert, client, body: MESSAGE });
    // Registered: ingress (on its thread) follows the config revision within about a second.
    await waitFor('the certificate to be accepted', async () =>
      (await byCertificate()).status === 202 ? true : undefined,
    );

    const fingerprint = String(registered.body.fingerprint);
    const revoked = await gateway
      .admin()
      .post(`/tenants/demo/client-certificates/${fingerprint}/revoke`, undefined);
    expect(revoked.status).toBe(200);
    await waitFor('the revoked certificate to be refused', async () =>
      (await byCertificate()).status === 401 ? true : undefined,
    );
  });
});

describe('TLS configuration errors at boot', () => {
  it('stops the gateway naming the variable', async () => {
    const gateway = await GatewayProcess.create();
    const process = new ServiceProcess('misconfigured', 'dist/apps/gateway/src/main.js', {
      INGRESS_TLS_KEY_FILE: '/etc/tuxhat/tls.key',
      TUXHAT_DATA_DIR: gateway.dataDir,
      HTTP_PORT: String(gateway.httpPort),
      GRPC_PORT: String(gateway.grpcPort),
    }).start();
    expect(await process.exited()).toBe(78);
    await gateway.dispose();
    expect(process.logs).toContain('INGRESS_TLS_CERT_FILE: required with INGRESS_TLS_KEY_FILE');
  });

  it('stops cluster ingress naming a file it cannot read', async () => {
    const process = new ServiceProcess('misconfigured', 'dist/apps/ingress/src/main.js', {
      INGRESS_TLS_CERT_FILE: '/nonexistent/tls.crt',
      INGRESS_TLS_KEY_FILE: '/nonexistent/tls.key',
    }).start();
    expect(await process.exited()).toBe(78);
    expect(process.logs).toContain('INGRESS_TLS_CERT_FILE: cannot read /nonexistent/tls.crt');
  });
});
