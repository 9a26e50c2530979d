import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { createDatabase, type Database, type DatabaseOptions } from './create-database';

/** Injection token of the PrismaClient: `@Inject(PRISMA) prisma: PrismaClient`. */
export const PRISMA = Symbol('tuxhat:database:prisma');
/** Injection token of the Database (client, kind, close). */
export const DATABASE = Symbol('tuxhat:database');

export interface DatabaseModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  readonly useFactory: (...args: never[]) => DatabaseOptions | Promise<DatabaseOptions>;
}

/** Closes the database when the application shuts down (after every module's onModuleDestroy). */
@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * A global module with one database per application: PRISMA and DATABASE. Services wrap the
 * client in their own repositories. `app.close()` (or shutdown hooks) closes it.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return DatabaseModule.build([], [], () => createDatabase(options));
  }

  static forRootAsync(options: DatabaseModuleAsyncOptions): DynamicModule {
    return DatabaseModule.build(
      options.imports ?? [],
      options.inject ?? [],
      async (...args: never[]) => createDatabase(await options.useFactory(...args)),
    );
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    inject: (InjectionToken | OptionalFactoryDependency)[],
    open: (...args: never[]) => Promise<Database>,
  ): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports,
      providers: [
        { provide: DATABASE, useFactory: open, inject },
        {
          provide: PRISMA,
          useFactory: (database: Database) => database.prisma,
          inject: [DATABASE],
        },
        DatabaseCloser,
      ],
      exports: [DATABASE, PRISMA],
    };
  }
}
