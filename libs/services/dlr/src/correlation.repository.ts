import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { normaliseCarrierMessageId } from './receipt-state';

export interface CarrierPart {
  readonly messageId: string;
  readonly tenantId: string;
  readonly partIndex: number;
  readonly parts: number;
}

/** Carrier message id -> our message: written when the carrier accepts, read for each receipt. */
@Injectable()
export class CorrelationRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async record(
    rows: readonly {
      carrierId: string;
      carrierMessageId: string;
      messageId: string;
      partIndex: number;
    }[],
  ): Promise<void> {
    await this.prisma.carrierMessageId.createMany({
      data: rows.map((row) => ({
        ...row,
        carrierMessageId: normaliseCarrierMessageId(row.carrierMessageId),
      })),
      skipDuplicates: true,
    });
  }

  /** One query for a whole batch of receipts. Keys are `${carrierId}\n${normalised id}`. */
  async find(
    receipts: readonly { carrierId: string; carrierMessageId: string }[],
  ): Promise<Map<string, CarrierPart>> {
    if (receipts.length === 0) return new Map();
    const rows = await this.prisma.carrierMessageId.findMany({
      where: {
        OR: receipts.map((receipt) => ({
          carrierId: receipt.carrierId,
          carrierMessageId: normaliseCarrierMessageId(receipt.carrierMessageId),
        })),
      },
      select: {
        carrierId: true,
        carrierMessageId: true,
        partIndex: true,
        message: { select: { id: true, tenantId: true, parts: true } },
      },
    });
    return new Map(
      rows.map((row) => [
        correlationKey(row.carrierId, row.carrierMessageId),
        {
          messageId: row.message.id,
          tenantId: row.message.tenantId,
          partIndex: row.partIndex,
          parts: row.message.parts,
        },
      ]),
    );
  }
}

export function correlationKey(carrierId: string, carrierMessageId: string): string {
  return `${carrierId}\n${normaliseCarrierMessageId(carrierMessageId)}`;
}
