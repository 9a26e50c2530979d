import { X509Certificate } from 'node:crypto';

import type { LoggerService } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import { METRICS, processMetrics } from '@tuxhat/observability';

import { type ListenerTls, readTlsFiles } from './listener-tls';

/**
 * Serves a renewed certificate without a restart: every `reload.intervalMs` it reads the TLS
 * files again and, when they changed and still make a valid set (certificate, its key, client
 * CAs), hands them to `apply`, which puts them on the listeners for new connections.
 *
 * Polling rather than watching: Kubernetes updates a mounted Secret by swapping a symlink,
 * which file watches miss; and a certificate and key caught half-renewed (one changed, not yet
 * the other) fail the check, so the old pair keeps serving until the next look.
 */
export class ListenerTlsReloader {
  private current: ListenerTls;
  private timer: NodeJS.Timeout | undefined;
  /** The last problem logged, so a broken file is reported once, not every interval. */
  private problem: string | undefined;

  constructor(
    initial: ListenerTls,
    private readonly apply: (tls: ListenerTls) => void,
    private readonly logger: LoggerService,
  ) {
    this.current = initial;
    recordExpiry(initial);
  }

  start(): void {
    const { reload } = this.current;
    if (!reload || this.timer) return;
    this.timer = setInterval(() => this.check(), reload.intervalMs);
    // Nothing to wait for on shutdown: a look at three small files.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the files; true when it put a new certificate on the listeners. */
  check(): boolean {
    const { reload } = this.current;
    if (!reload) return false;
    let next: ListenerTls | undefined;
    try {
      next = readTlsFiles(reload.files);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.report(error.problems.join('; '));
      return false;
    }
    if (!next) return false;
    this.problem = undefined;
    if (
      next.cert === this.current.cert &&
      next.key === this.current.key &&
      next.clientCa === this.current.clientCa
    ) {
      return false;
    }
    try {
      this.apply(next);
    } catch (error) {
      this.report(`the listeners refused them (${(error as Error).message})`);
      return false;
    }
    this.current = { ...next, reload };
    recordExpiry(this.current);
    const served = new X509Certificate(next.cert);
    this.logger.log(
      `TLS: now serving the certificate of ${served.subject.replace(/\n/g, ', ')}, valid until ${served.validTo}`,
    );
    return true;
  }

  private report(problem: string): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.logger.warn(`TLS: files not reloaded, the listeners keep their certificate: ${problem}`);
  }
}

/** The served certificate's and the first client CA's end of validity, for expiry alerts. */
function recordExpiry(tls: ListenerTls): void {
  const metrics = processMetrics();
  const expiry = (pem: string) => Math.floor(Date.parse(new X509Certificate(pem).validTo) / 1000);
  metrics.set(METRICS.tlsCertificateExpiry, { certificate: 'server' }, expiry(tls.cert));
  if (tls.clientCa) {
    metrics.set(METRICS.tlsCertificateExpiry, { certificate: 'client_ca' }, expiry(tls.clientCa));
  } else {
    metrics.remove(METRICS.tlsCertificateExpiry, { certificate: 'client_ca' });
  }
}
