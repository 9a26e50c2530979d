import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM text and as files (for options that take paths). */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A throwaway certificate authority made with the openssl CLI at test time (P-256 keys, valid
 * two days), in a temporary directory: it issues a server certificate for 127.0.0.1/localhost
 * and client certificates, so tests run real mutual TLS without committed keys.
 */
export class TestCa {
  readonly ca: TestCertificate;
  private serial = 1;

  private constructor(
    private readonly dir: string,
    readonly name: string,
  ) {
    this.ca = this.files('ca', () =>
      openssl(
        ['req', '-x509', ...newKey(join(dir, 'ca.key')), '-out', join(dir, 'ca.crt')],
        `/CN=${name}`,
      ),
    );
  }

  static create(name: string): TestCa {
    return new TestCa(mkdtempSync(join(tmpdir(), 'tuxhat-pki-')), name);
  }

  /** A server certificate for 127.0.0.1 and localhost, valid this many days. */
  server(name = 'ingress', days = 2): TestCertificate {
    return this.issue(
      name,
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
      days,
    );
  }

  /** A client certificate with this common name. */
  client(name: string): TestCertificate {
    return this.issue(name, 'extendedKeyUsage=clientAuth', 2);
  }

  /** Removes the directory with every key. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(name: string, extensions: string, days: number): TestCertificate {
    const base = join(this.dir, `${name}-${this.serial}`);
    const serial = String(this.serial++);
    return this.files(`${name}-${serial}`, () => {
      writeFileSync(`${base}.ext`, `${extensions}\n`);
      openssl(['req', '-new', ...newKey(`${base}.key`), '-out', `${base}.csr`], `/CN=${name}`);
      openssl([
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        this.ca.certFile,
        '-CAkey',
        this.ca.keyFile,
        '-set_serial',
        serial,
        '-days',
        String(days),
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ]);
    });
  }

  private files(name: string, make: () => void): TestCertificate {
    make();
    const certFile = join(this.dir, `${name}.crt`);
    const keyFile = join(this.dir, `${name}.key`);
    return {
      cert: readFileSync(certFile, 'utf8'),
      key: readFileSync(keyFile, 'utf8'),
      certFile,
      keyFile,
    };
  }
}

function newKey(keyFile: string): string[] {
  return [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-days',
    '2',
  ];
}

function openssl(args: string[], subject?: string): void {
  execFileSync('openssl', subject ? [...args, '-subj', subject] : args, { stdio: 'pipe' });
}
