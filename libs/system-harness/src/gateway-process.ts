import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { seedPgliteDataDir } from '@tuxhat/database';
import { PGLITE_TEMPLATE_DIR, ServiceProcess } from '@tuxhat/testing';

import { AdminClient } from './admin-client';
import { freePort } from './free-port';

/** The all-in-one gateway (npm start) as its own process. */
export class GatewayProcess {
  process: ServiceProcess | null = null;
  readonly dataDir: string;
  /** Whether dataDir is a temporary directory of this object's own, removed by dispose(). */
  private readonly ownsDataDir: boolean;

  private constructor(
    public httpPort: number,
    public grpcPort: number,
    public adminPort: number,
    private readonly env: Record<string, string>,
    private readonly nodeFlags: readonly string[],
  ) {
    this.ownsDataDir = env.TUXHAT_DATA_DIR === undefined;
    this.dataDir = env.TUXHAT_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tuxhat-gateway-'));
  }

  static async create(
    env: Record<string, string> = {},
    nodeFlags: readonly string[] = [],
  ): Promise<GatewayProcess> {
    return new GatewayProcess(await freePort(), await freePort(), await freePort(), env, nodeFlags);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  /** The bootstrap admin key the gateway wrote at its first start (ADMIN_BOOTSTRAP_KEY_FILE). */
  adminKey(): string {
    const file = this.env.ADMIN_BOOTSTRAP_KEY_FILE ?? join(this.dataDir, 'admin-api-key');
    return readFileSync(file, 'utf8').trim();
  }

  /** An operator's client of the admin API, with the bootstrap admin key. */
  admin(): AdminClient {
    return new AdminClient(this.adminUrl, this.adminKey());
  }

  /**
   * Starts (or restarts, on the same data directory and ports) and resolves once it serves.
   * freePort() only finds ports free at that moment: at the first start, a gateway that exits
   * because another process took one (EADDRINUSE) gets other ports, up to three times.
   */
  async start(): Promise<{ banner: string; demoApiKey: string | undefined }> {
    const firstStart = this.process === null;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        if (!firstStart || attempt === 3 || !this.process?.logs.includes('EADDRINUSE')) throw error;
        [this.httpPort, this.grpcPort, this.adminPort] = [
          await freePort(),
          await freePort(),
          await freePort(),
        ];
      }
    }
  }

  private async startOnce(): Promise<{ banner: string; demoApiKey: string | undefined }> {
    await this.seedEmbeddedDatabase();
    this.process = new ServiceProcess(
      'gateway',
      'dist/apps/gateway/src/main.js',
      {
        TUXHAT_DATA_DIR: this.dataDir,
        HTTP_PORT: String(this.httpPort),
        GRPC_PORT: String(this.grpcPort),
        ADMIN_PORT: String(this.adminPort),
        // Its own embedded PGlite, not the test run's shared PostgreSQL, unless a test says so.
        DATABASE_URL: '',
        ...this.env,
      },
      [],
      this.nodeFlags,
    ).start();
    await this.process.waitForOutput(/is running[\s\S]*gRPC API[^\n]*\n/, 120_000);
    const demoKey = this.process.logs.match(/API key: (thk_\S+)/)?.[1];
    return { banner: this.process.logs, demoApiKey: demoKey };
  }

  /**
   * A gateway of its own on embedded PGlite starts from a migrated copy (seedPgliteDataDir):
   * its boot then skips running every migration, which a test run would pay for each of the
   * dozens of gateways it starts (seconds each on a slow machine). What the boot does after
   * migrating is not skipped.
   */
  private async seedEmbeddedDatabase(): Promise<void> {
    const pgdata = join(this.dataDir, 'pgdata');
    if (!this.ownsDataDir || this.env.DATABASE_URL || existsSync(pgdata)) return;
    await seedPgliteDataDir(pgdata, PGLITE_TEMPLATE_DIR);
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const process = this.process;
    if (!process) return null;
    await process.stop(signal);
    return process.exitCode;
  }

  /**
   * Stops for good and removes the data directory it made: each embedded database is 40–60 MB,
   * and a test run starts dozens of gateways on machines whose disk may be nearly full.
   */
  async dispose(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
