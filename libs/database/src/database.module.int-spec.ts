import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE, DatabaseModule, PRISMA } from './database.module';
import type { Database } from './create-database';
import type { PrismaClient } from './prisma-client';
import { tempDir, testSchema } from './test/test-databases';

// A fresh PGlite (initdb and every migration, in WASM) takes about 30 s on a 2-core machine,
// and over a minute when the machine is slow. jest.config.js' per-project
// testTimeout is not applied (jest reads testTimeout from the global config only).
jest.setTimeout(180_000);

@Injectable()
class TenantNames {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async all(): Promise<string[]> {
    return (await this.prisma.tenant.findMany({ orderBy: { id: 'asc' } })).map((t) => t.name);
  }
}

/** A feature module that does not import DatabaseModule: the module is global. */
@Module({ providers: [TenantNames], exports: [TenantNames] })
class TenantsModule {}

describe(DatabaseModule.name, () => {
  it('provides PRISMA to every module and closes the database on shutdown (PGlite)', async () => {
    const dir = await tempDir('nest');
    const dataDir = join(dir.path, 'data');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          DatabaseModule.forRoot({ pgliteDataDir: dataDir, migrateOnBoot: true }),
          TenantsModule,
        ],
      }).compile();
      const app = await moduleRef.init();
      const prisma = app.get<PrismaClient>(PRISMA);
      await prisma.tenant.create({ data: { id: 't1', name: 'One' } });

      expect(prisma).toBe(app.get<Database>(DATABASE).prisma);
      expect(app.get<Database>(DATABASE).kind).toBe('pglite');
      expect(await app.get(TenantNames).all()).toEqual(['One']);
      expect(existsSync(join(dataDir, 'tuxhat.lock'))).toBe(true);

      await app.close();

      expect(existsSync(join(dataDir, 'tuxhat.lock'))).toBe(false);
      await expect(prisma.tenant.count()).rejects.toThrow();
    } finally {
      await dir.remove();
    }
  });

  it('builds its options from other providers with forRootAsync (PostgreSQL)', async () => {
    const schema = testSchema('nest');
    const URL_TOKEN = Symbol('url');
    @Module({ providers: [{ provide: URL_TOKEN, useValue: schema.url }], exports: [URL_TOKEN] })
    class ConfigModule {}
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          DatabaseModule.forRootAsync({
            imports: [ConfigModule],
            inject: [URL_TOKEN],
            useFactory: (url: string) => ({ url, poolSize: 2, migrateOnBoot: true }),
          }),
        ],
      }).compile();
      const app = await moduleRef.init();
      const database = app.get<Database>(DATABASE);

      expect(database.kind).toBe('postgres');
      expect(await app.get<PrismaClient>(PRISMA).tenant.count()).toBe(0);

      await app.close();
      await expect(database.prisma.tenant.count()).rejects.toThrow();
    } finally {
      await schema.drop();
    }
  });
});
