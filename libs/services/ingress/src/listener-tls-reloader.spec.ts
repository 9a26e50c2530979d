import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoggerService } from '@nestjs/common';
import { processMetrics } from '@tuxhat/observability';
import { TestCa, type TestCertificate } from '@tuxhat/testing';

import { type ListenerTls, readListenerTls } from './listener-tls';
import { ListenerTlsReloader } from './listener-tls-reloader';

describe(ListenerTlsReloader.name, () => {
  let pki: TestCa;
  let first: TestCertificate;
  let renewed: TestCertificate;
  let dir: string;
  let certFile: string;
  let keyFile: string;
  let applied: ListenerTls[];
  let warnings: string[];
  let reloader: ListenerTlsReloader;

  const logger: LoggerService = {
    log: () => undefined,
    error: () => undefined,
    warn: (message: string) => warnings.push(message),
  };

  /** Puts a certificate's or a key's file where the listener's configuration points. */
  const install = (from: TestCertificate, which: 'cert' | 'key') =>
    copyFileSync(
      which === 'cert' ? from.certFile : from.keyFile,
      which === 'cert' ? certFile : keyFile,
    );

  beforeAll(() => {
    pki = TestCa.create('Reload CA');
    first = pki.server('first');
    // Valid longer: its expiry differs from the first's.
    renewed = pki.server('renewed', 30);
  });

  afterAll(() => pki.dispose());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuxhat-tls-reload-'));
    certFile = join(dir, 'tls.crt');
    keyFile = join(dir, 'tls.key');
    install(first, 'cert');
    install(first, 'key');
    applied = [];
    warnings = [];
    const tls = readListenerTls({ INGRESS_TLS_CERT_FILE: certFile, INGRESS_TLS_KEY_FILE: keyFile });
    reloader = new ListenerTlsReloader(tls!, (next) => applied.push(next), logger);
  });

  afterEach(() => {
    reloader.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the listeners alone while the files are unchanged', () => {
    expect(reloader.check()).toBe(false);
    expect(applied).toEqual([]);
  });

  it('hands a renewed certificate and key to the listeners, once', () => {
    install(renewed, 'cert');
    install(renewed, 'key');
    expect(reloader.check()).toBe(true);
    expect(applied).toEqual([{ cert: renewed.cert, key: renewed.key }]);
    expect(reloader.check()).toBe(false);
    expect(applied).toHaveLength(1);
  });

  it('keeps the old pair while the files are half renewed, says so once, and takes the pair when complete', () => {
    install(renewed, 'cert');
    expect(reloader.check()).toBe(false);
    expect(reloader.check()).toBe(false);
    expect(applied).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/keep their certificate: INGRESS_TLS_KEY_FILE: does not go with/);

    install(renewed, 'key');
    expect(reloader.check()).toBe(true);
    expect(applied.map((tls) => tls.cert)).toEqual([renewed.cert]);
  });

  it('keeps the old pair while a file is missing, naming it', () => {
    unlinkSync(keyFile);
    expect(reloader.check()).toBe(false);
    expect(warnings).toEqual([
      expect.stringContaining(`INGRESS_TLS_KEY_FILE: cannot read ${keyFile} (ENOENT)`),
    ]);
  });

  it('keeps the old pair when the listeners refuse the new one', () => {
    reloader = new ListenerTlsReloader(
      readListenerTls({ INGRESS_TLS_CERT_FILE: certFile, INGRESS_TLS_KEY_FILE: keyFile })!,
      () => {
        throw new Error('no');
      },
      logger,
    );
    install(renewed, 'cert');
    install(renewed, 'key');
    expect(reloader.check()).toBe(false);
    expect(warnings).toEqual([expect.stringContaining('the listeners refused them (no)')]);
  });

  it('exposes when the served certificate expires', async () => {
    const expiry = (pem: string) => Date.parse(new X509Certificate(pem).validTo) / 1000;
    const served = async () =>
      Number(
        (await processMetrics().render()).match(
          /^tuxhat_tls_certificate_expiry_timestamp_seconds\{certificate="server"\} (\d+)$/m,
        )?.[1],
      );
    expect(await served()).toBe(expiry(first.cert));
    install(renewed, 'cert');
    install(renewed, 'key');
    reloader.check();
    expect(await served()).toBe(expiry(renewed.cert));
  });
});
