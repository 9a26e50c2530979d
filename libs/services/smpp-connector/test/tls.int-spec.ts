import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SmscSimulator } from '@tuxhat/smsc-simulator';

import { ACCOUNT, ConnectorFixture } from './support/connector-fixture';

/** A self-signed certificate for localhost / 127.0.0.1, made for this run with openssl. */
function selfSignedCertificate(dir: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, 'smsc.key.pem');
  const certFile = join(dir, 'smsc.cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=smsc.test',
      '-addext',
      'subjectAltName=DNS:smsc.test,DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return { keyFile, certFile };
}

describe('smpp-connector over TLS', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tuxhat-smpp-tls-'));
    const { keyFile, certFile } = selfSignedCertificate(dir);
    fixture = await ConnectorFixture.create('smpp_connector_tls');
    simulator = new SmscSimulator({
      accounts: [ACCOUNT],
      deliveryDelayMs: 10,
      tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    });
    const { port } = await simulator.start();
    await fixture.seedCarrier('secure', port, {
      tls: { caFile: certFile, servername: 'smsc.test' },
    });
    // Same SMSC, but the connector is not told to trust its certificate.
    await fixture.seedCarrier('untrusted', port, { tls: {} });
  });

  afterEach(() => fixture.stopConnectors());

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds over TLS to an SMSC whose certificate it verifies, submits and takes the receipt', async () => {
    const connector = await fixture.start({ carriers: ['secure'] });
    const event = fixture.outbound('secure', 'Sent over TLS');
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const carrierMessageId = sent.parts[0].carrierMessageId;
    await connector.receipts.waitFor(1, (item) => item.carrierMessageId === carrierMessageId);
    expect(connector.logger.entries.map((entry) => entry.message)).toContainEqual(
      expect.stringMatching(/bound to 127\.0\.0\.1:\d+ \(TLS\)/),
    );
  });

  it('refuses an SMSC whose certificate does not verify: no bind, the carrier is unhealthy', async () => {
    const connector = await fixture.start({ carriers: ['untrusted'], bootWaitMs: 500 });
    await connector.logger.waitFor(/cannot bind to .*self[- ]signed certificate/i);
    const [report] = await connector.health.waitFor(1, (item) => item.carrierId === 'untrusted');
    expect(report).toMatchObject({ healthy: false, bindsUp: 0 });
    const event = fixture.outbound('untrusted', 'Never in clear');
    connector.publish(event);
    await connector.reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
  });
});
