import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type Bus, type KafkaAdminPort, topicSpecWith } from '@tuxhat/messaging';

export const DLR_BUS = Symbol('tuxhat:dlr:bus');

/**
 * Per-tenant topics (tenant.<tenant>.status.v1 / .mo.v1) are created on demand, the first time
 * this instance publishes to one: the broker never auto-creates topics, and tenants appear at
 * runtime. They are made with the process's topic settings (replication factor, configuration,
 * a partition count by name), as the provisioning Job makes the others. On the in-process bus
 * (all-in-one mode) there is nothing to create.
 */
@Injectable()
export class TenantTopics implements OnApplicationShutdown {
  static readonly PARTITIONS = 3;
  private readonly logger = new Logger('dlr/tenant-topics');
  private readonly ensured = new Map<string, Promise<void>>();
  private admin: Promise<KafkaAdminPort> | null = null;

  constructor(@Inject(DLR_BUS) private readonly bus: Bus) {}

  /** Resolves once every topic exists. */
  async ensure(topics: readonly string[]): Promise<void> {
    const kafka = this.bus.kafkaPort();
    if (!kafka) return;
    const missing = [...new Set(topics)].filter((topic) => !this.ensured.has(topic));
    if (missing.length > 0) {
      const creating = (async () => {
        this.admin ??= (async () => {
          const admin = kafka.createAdmin();
          await admin.connect();
          return admin;
        })();
        const admin = await this.admin;
        const created = await admin.ensureTopics(
          missing.map((name) =>
            topicSpecWith(this.bus.topicSettings(), name, TenantTopics.PARTITIONS),
          ),
        );
        if (created.length > 0) this.logger.log(`created tenant topic(s) ${created.join(', ')}`);
      })();
      for (const topic of missing) {
        this.ensured.set(
          topic,
          creating.catch((error: unknown) => {
            this.ensured.delete(topic); // try again with the next event
            throw error;
          }),
        );
      }
    }
    await Promise.all(topics.map((topic) => this.ensured.get(topic) ?? Promise.resolve()));
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => null);
    await admin?.disconnect();
  }
}
