import { Inject, Injectable, Logger } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import { AdminChanges, type AdminTransaction, isUniqueViolation } from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { CARRIER_TOPICS, type CreateCarrierTopics } from '../core/kafka-available';
import { createCarrierTopics } from './carrier-topics';
import { type Page, pageOf } from '../core/pagination';
import {
  type CarrierKind,
  type CarrierView,
  type CreateCarrier,
  type UpdateCarrier,
  carrierSettings,
  carrierView,
} from './carriers.dto';

/** Carriers (SMPP SMSCs, SNS accounts). Every change goes through AdminChanges. */
@Injectable()
export class CarriersService {
  private readonly logger = new Logger('admin/carriers');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly changes: AdminChanges,
    @Inject(CARRIER_TOPICS) private readonly topics: CreateCarrierTopics | null,
  ) {}

  async create(actor: AdminActor, input: CreateCarrier): Promise<CarrierView> {
    const created = await this.insert(actor, input);
    // Before the answer: a route to the carrier made next publishes to topics that exist.
    if (this.topics) await createCarrierTopics(this.topics, input.id, this.logger);
    return created;
  }

  private async insert(actor: AdminActor, input: CreateCarrier): Promise<CarrierView> {
    const config = carrierSettings(input.kind, input.config);
    try {
      return await this.changes.apply(actor, async (tx) => {
        const after = carrierView(
          await tx.carrier.create({
            data: {
              id: input.id,
              name: input.name,
              kind: input.kind,
              enabled: input.enabled,
              config,
            },
          }),
        );
        return {
          result: after,
          audit: {
            action: 'carrier.create',
            entity: 'carrier',
            entityId: input.id,
            before: null,
            after,
          },
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AdminProblem('carrier_exists', `a carrier with id "${input.id}" already exists`);
      }
      throw error;
    }
  }

  async get(id: string): Promise<CarrierView> {
    return carrierView(await this.find(this.prisma, id));
  }

  async list(query: {
    kind?: CarrierKind;
    enabled?: boolean;
    limit: number;
    cursor?: string;
  }): Promise<Page<CarrierView>> {
    const rows = await this.prisma.carrier.findMany({
      where: {
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.enabled !== undefined ? { enabled: query.enabled } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, carrierView, (row) => row.id);
  }

  async update(actor: AdminActor, id: string, input: UpdateCarrier): Promise<CarrierView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.find(tx, id);
      const before = carrierView(current);
      const data: Prisma.CarrierUpdateInput = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.config !== undefined
          ? { config: carrierSettings(current.kind, input.config) }
          : {}),
      };
      const after = carrierView(await tx.carrier.update({ where: { id }, data }));
      const { updatedAt: _before, ...beforeFields } = before;
      const { updatedAt: _after, ...afterFields } = after;
      if (JSON.stringify(beforeFields) === JSON.stringify(afterFields)) {
        return { result: before, audit: [] };
      }
      return {
        result: after,
        audit: { action: 'carrier.update', entity: 'carrier', entityId: id, before, after },
      };
    });
  }

  /** Deletes a carrier nothing routes to; otherwise 409 carrier_in_use (disable it instead). */
  async delete(actor: AdminActor, id: string): Promise<void> {
    try {
      await this.changes.apply(actor, async (tx) => {
        const before = carrierView(await this.find(tx, id));
        await tx.carrier.delete({ where: { id } });
        return {
          result: undefined,
          audit: { action: 'carrier.delete', entity: 'carrier', entityId: id, before, after: null },
        };
      });
    } catch (error) {
      if (
        error instanceof Prisma.PrismaClientKnownRequestError &&
        ['P2003', 'P2014', 'P2039'].includes(error.code)
      ) {
        throw new AdminProblem(
          'carrier_in_use',
          `routes or other records use carrier "${id}"; disable it instead (PATCH enabled false)`,
        );
      }
      throw error;
    }
  }

  private async find(db: AdminTransaction | PrismaClient, id: string) {
    const carrier = await db.carrier.findUnique({ where: { id } });
    if (!carrier) throw new AdminProblem('carrier_not_found', `no carrier "${id}"`);
    return carrier;
  }
}
