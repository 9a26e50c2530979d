import { Inject, Injectable } from '@nestjs/common';
import type { RoutingRuleDocument } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import {
  AdminChanges,
  type AdminTransaction,
  auditEntry,
  createUniquely,
} from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { type Page, pageOf } from '../core/pagination';
import {
  type CreateNumberRange,
  type CreatePrice,
  type CreateRule,
  type CreateServerGroup,
  type NumberRangeView,
  type PriceView,
  type RuleView,
  type ServerGroupView,
  type UpdatePrice,
  type UpdateRule,
  type UpdateServerGroup,
  completeRule,
  numberRangeView,
  priceView,
  ruleView,
  serverGroupView,
  unknownReference,
} from './routing.dto';

type Db = AdminTransaction | PrismaClient;
const withMembers = { members: true } as const;

/**
 * Routing rules, server groups, number ranges and carrier prices. Every change goes through
 * AdminChanges (audited, config revision bumped), so running routing services reload it within
 * about a second.
 */
@Injectable()
export class RoutingAdminService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly changes: AdminChanges,
  ) {}

  // ---- rules ----

  async createRule(actor: AdminActor, input: CreateRule): Promise<RuleView> {
    const { id, ...change } = input;
    const rule = completeRule({}, change);
    return createUniquely('routing_rule_exists', `a rule with id "${id}" already exists`, () =>
      this.changes.apply(actor, async (tx) => {
        await this.checkRuleReferences(tx, rule);
        const after = ruleView(await tx.route.create({ data: { id, ...rule } }));
        return { result: after, audit: audit('routing_rule', 'create', id, null, after) };
      }),
    );
  }

  async getRule(id: string): Promise<RuleView> {
    return ruleView(await this.findRule(this.prisma, id));
  }

  async listRules(query: {
    tenantId?: string;
    carrierId?: string;
    serverGroupId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<RuleView>> {
    const after = query.cursor === undefined ? null : parseRuleCursor(query.cursor);
    const rows = await this.prisma.route.findMany({
      where: {
        ...(query.tenantId !== undefined ? { tenantId: query.tenantId } : {}),
        ...(query.carrierId !== undefined ? { carrierId: query.carrierId } : {}),
        ...(query.serverGroupId !== undefined ? { serverGroupId: query.serverGroupId } : {}),
        ...(after
          ? {
              OR: [
                { priority: { gt: after.priority } },
                { priority: after.priority, id: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ priority: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, ruleView, (row) => `${row.priority}:${row.id}`);
  }

  async updateRule(actor: AdminActor, id: string, input: UpdateRule): Promise<RuleView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findRule(tx, id);
      const before = ruleView(current);
      const rule = completeRule(documentOf(current), input);
      await this.checkRuleReferences(tx, rule);
      const after = ruleView(await tx.route.update({ where: { id }, data: rule }));
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('routing_rule', 'update', id, before, after) };
    });
  }

  async deleteRule(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = ruleView(await this.findRule(tx, id));
      await tx.route.delete({ where: { id } });
      return { result: undefined, audit: audit('routing_rule', 'delete', id, before, null) };
    });
  }

  // ---- server groups ----

  async createServerGroup(actor: AdminActor, input: CreateServerGroup): Promise<ServerGroupView> {
    return createUniquely(
      'server_group_exists',
      `a server group with id "${input.id}" already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          await this.checkCarriers(
            tx,
            input.members.map((member) => member.carrierId),
            'members',
          );
          const after = serverGroupView(
            await tx.serverGroup.create({
              data: {
                id: input.id,
                name: input.name,
                strategy: input.strategy,
                members: { create: input.members },
              },
              include: withMembers,
            }),
          );
          return { result: after, audit: audit('server_group', 'create', input.id, null, after) };
        }),
    );
  }

  async getServerGroup(id: string): Promise<ServerGroupView> {
    return serverGroupView(await this.findServerGroup(this.prisma, id));
  }

  async listServerGroups(query: {
    limit: number;
    cursor?: string;
  }): Promise<Page<ServerGroupView>> {
    const rows = await this.prisma.serverGroup.findMany({
      where: query.cursor !== undefined ? { id: { gt: query.cursor } } : {},
      include: withMembers,
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, serverGroupView, (row) => row.id);
  }

  async updateServerGroup(
    actor: AdminActor,
    id: string,
    input: UpdateServerGroup,
  ): Promise<ServerGroupView> {
    return this.changes.apply(actor, async (tx) => {
      const before = serverGroupView(await this.findServerGroup(tx, id));
      if (input.members) {
        await this.checkCarriers(
          tx,
          input.members.map((member) => member.carrierId),
          'members',
        );
        await tx.serverGroupMember.deleteMany({ where: { serverGroupId: id } });
        await tx.serverGroupMember.createMany({
          data: input.members.map((member) => ({ ...member, serverGroupId: id })),
        });
      }
      const after = serverGroupView(
        await tx.serverGroup.update({
          where: { id },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.strategy !== undefined ? { strategy: input.strategy } : {}),
            // Touch the row when only the members changed, so updatedAt says so.
            updatedAt: new Date(),
          },
          include: withMembers,
        }),
      );
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('server_group', 'update', id, before, after) };
    });
  }

  /** Deletes a group no rule targets; otherwise 409 server_group_in_use. */
  async deleteServerGroup(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = serverGroupView(await this.findServerGroup(tx, id));
      const rules = await tx.route.findMany({
        where: { serverGroupId: id },
        select: { id: true },
        take: 5,
      });
      if (rules.length > 0) {
        throw new AdminProblem(
          'server_group_in_use',
          `rules target server group "${id}" (${rules.map((rule) => rule.id).join(', ')}); change them first`,
        );
      }
      await tx.serverGroup.delete({ where: { id } });
      return { result: undefined, audit: audit('server_group', 'delete', id, before, null) };
    });
  }

  // ---- number ranges ----

  async createNumberRange(actor: AdminActor, input: CreateNumberRange): Promise<NumberRangeView> {
    return createUniquely(
      'number_range_exists',
      `a number range with prefix "${input.prefix}" already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          const after = numberRangeView(await tx.numberRange.create({ data: input }));
          return {
            result: after,
            audit: audit('number_range', 'create', input.prefix, null, after),
          };
        }),
    );
  }

  async getNumberRange(prefix: string): Promise<NumberRangeView> {
    return numberRangeView(await this.findNumberRange(this.prisma, prefix));
  }

  async listNumberRanges(query: {
    prefix?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<NumberRangeView>> {
    const rows = await this.prisma.numberRange.findMany({
      where: {
        prefix: {
          ...(query.prefix !== undefined ? { startsWith: query.prefix } : {}),
          ...(query.cursor !== undefined ? { gt: query.cursor } : {}),
        },
      },
      orderBy: { prefix: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, numberRangeView, (row) => row.prefix);
  }

  async updateNumberRange(
    actor: AdminActor,
    prefix: string,
    input: { network: string },
  ): Promise<NumberRangeView> {
    return this.changes.apply(actor, async (tx) => {
      const before = numberRangeView(await this.findNumberRange(tx, prefix));
      const after = numberRangeView(
        await tx.numberRange.update({ where: { prefix }, data: { network: input.network } }),
      );
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('number_range', 'update', prefix, before, after) };
    });
  }

  async deleteNumberRange(actor: AdminActor, prefix: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = numberRangeView(await this.findNumberRange(tx, prefix));
      await tx.numberRange.delete({ where: { prefix } });
      return { result: undefined, audit: audit('number_range', 'delete', prefix, before, null) };
    });
  }

  // ---- prices ----

  async createPrice(actor: AdminActor, input: CreatePrice): Promise<PriceView> {
    return createUniquely('price_exists', `a price with id "${input.id}" already exists`, () =>
      this.changes.apply(actor, async (tx) => {
        await this.checkCarriers(tx, [input.carrierId], 'carrierId');
        await this.checkPrice(tx, input.id, input);
        const after = priceView(await tx.carrierPrice.create({ data: input }));
        return { result: after, audit: audit('carrier_price', 'create', input.id, null, after) };
      }),
    );
  }

  async getPrice(id: string): Promise<PriceView> {
    return priceView(await this.findPrice(this.prisma, id));
  }

  async listPrices(query: {
    carrierId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<PriceView>> {
    const rows = await this.prisma.carrierPrice.findMany({
      where: {
        ...(query.carrierId !== undefined ? { carrierId: query.carrierId } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, priceView, (row) => row.id);
  }

  async updatePrice(actor: AdminActor, id: string, input: UpdatePrice): Promise<PriceView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findPrice(tx, id);
      const before = priceView(current);
      const next = {
        carrierId: current.carrierId,
        prefix: input.prefix ?? current.prefix,
        classOfService:
          input.classOfService === undefined ? current.classOfService : input.classOfService,
        priceMinor: input.priceMinor ?? current.priceMinor,
        currency: input.currency ?? current.currency,
      };
      await this.checkPrice(tx, id, next);
      const after = priceView(await tx.carrierPrice.update({ where: { id }, data: next }));
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('carrier_price', 'update', id, before, after) };
    });
  }

  async deletePrice(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = priceView(await this.findPrice(tx, id));
      await tx.carrierPrice.delete({ where: { id } });
      return { result: undefined, audit: audit('carrier_price', 'delete', id, before, null) };
    });
  }

  // ---- checks and lookups ----

  private async checkRuleReferences(tx: Db, rule: RoutingRuleDocument): Promise<void> {
    if (rule.tenantId !== null && !(await tx.tenant.findUnique({ where: { id: rule.tenantId } })))
      throw unknownReference('tenantId', 'tenant', rule.tenantId);
    if (rule.carrierId !== null) await this.checkCarriers(tx, [rule.carrierId], 'carrierId');
    if (
      rule.serverGroupId !== null &&
      !(await tx.serverGroup.findUnique({ where: { id: rule.serverGroupId } }))
    )
      throw unknownReference('serverGroupId', 'server group', rule.serverGroupId);
  }

  private async checkCarriers(tx: Db, ids: readonly string[], field: string): Promise<void> {
    const found = await tx.carrier.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true },
    });
    const missing = ids.find((id) => !found.some((carrier) => carrier.id === id));
    if (missing !== undefined) throw unknownReference(field, 'carrier', missing);
  }

  /**
   * One price per (carrier, prefix, class) (the unique index cannot see two nulls as equal),
   * and one currency for the whole table: least-cost routing compares amounts.
   */
  private async checkPrice(
    tx: Db,
    id: string,
    price: { carrierId: string; prefix: string; classOfService: string | null; currency: string },
  ): Promise<void> {
    const twin = await tx.carrierPrice.findFirst({
      where: {
        id: { not: id },
        carrierId: price.carrierId,
        prefix: price.prefix,
        classOfService: price.classOfService,
      },
      select: { id: true },
    });
    if (twin) {
      throw new AdminProblem(
        'price_exists',
        `price "${twin.id}" already covers ${price.carrierId} prefix "${price.prefix}" class ${price.classOfService ?? 'any'}`,
      );
    }
    const other = await tx.carrierPrice.findFirst({
      where: { id: { not: id }, currency: { not: price.currency } },
      select: { id: true, currency: true },
    });
    if (other) {
      throw new AdminProblem(
        'price_currency_mismatch',
        `prices are in ${other.currency} (e.g. "${other.id}"); least-cost routing compares amounts of one currency`,
      );
    }
  }

  private async findRule(db: Db, id: string) {
    const rule = await db.route.findUnique({ where: { id } });
    if (!rule) throw new AdminProblem('routing_rule_not_found', `no routing rule "${id}"`);
    return rule;
  }

  private async findServerGroup(db: Db, id: string) {
    const group = await db.serverGroup.findUnique({ where: { id }, include: withMembers });
    if (!group) throw new AdminProblem('server_group_not_found', `no server group "${id}"`);
    return group;
  }

  private async findNumberRange(db: Db, prefix: string) {
    const range = await db.numberRange.findUnique({ where: { prefix } });
    if (!range) throw new AdminProblem('number_range_not_found', `no number range "${prefix}"`);
    return range;
  }

  private async findPrice(db: Db, id: string) {
    const price = await db.carrierPrice.findUnique({ where: { id } });
    if (!price) throw new AdminProblem('price_not_found', `no price "${id}"`);
    return price;
  }
}

function documentOf(row: Prisma.RouteGetPayload<object>): RoutingRuleDocument {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...document } = row;
  return document as RoutingRuleDocument;
}

const audit = auditEntry;

/** Same content, updatedAt aside: a no-op change is neither audited nor a reload. */
function unchanged(before: { updatedAt: string }, after: { updatedAt: string }): boolean {
  const { updatedAt: _before, ...a } = before;
  const { updatedAt: _after, ...b } = after;
  return JSON.stringify(a) === JSON.stringify(b);
}

function parseRuleCursor(cursor: string): { priority: number; id: string } | null {
  const match = /^(\d+):(.+)$/.exec(cursor);
  return match ? { priority: Number(match[1]), id: match[2] } : null;
}
