import type { ReceiptState } from '@tuxhat/contracts';

import { type FinalReceiptState, isFinalReceiptState, severityOf } from './receipt-state';

/** One receipt for one part, as stored in dlr_part_receipts. */
export interface PartReceipt {
  readonly partIndex: number;
  readonly state: ReceiptState;
  readonly rawState: string;
  readonly errorCode?: string | null;
  readonly receivedAt: Date;
}

export interface FinalPart extends PartReceipt {
  readonly state: FinalReceiptState;
}

export type Aggregate =
  | { readonly complete: false; readonly finalParts: number; readonly partCount: number }
  | {
      readonly complete: true;
      readonly state: FinalReceiptState;
      /** The part that decided the state (the worst one; the first part when all delivered). */
      readonly decisive: FinalPart;
      readonly finalParts: number;
      readonly partCount: number;
      /** Parts without a final receipt, counted as `missingState` (expiry). */
      readonly missingParts: number;
    };

/**
 * A multipart message's state on one carrier: delivered when every part is, otherwise the
 * worst final part (severityOf). A part's first final receipt counts; a later contradicting
 * one is kept in the table but does not rewrite it. Without `missingState` the message is
 * complete only once every part has a final receipt; with it (expiry), parts without one count
 * as that state.
 */
export function aggregateParts(
  partCount: number,
  receipts: readonly PartReceipt[],
  missingState?: FinalReceiptState,
): Aggregate {
  const firstFinal = new Map<number, FinalPart>();
  for (const receipt of [...receipts].sort(
    (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime(),
  )) {
    if (!isFinalReceiptState(receipt.state) || firstFinal.has(receipt.partIndex)) continue;
    if (receipt.partIndex < 0 || receipt.partIndex >= partCount) continue;
    firstFinal.set(receipt.partIndex, receipt as FinalPart);
  }
  const finalParts = firstFinal.size;
  const missingParts = partCount - finalParts;
  if (missingParts > 0 && missingState === undefined) {
    return { complete: false, finalParts, partCount };
  }
  const parts = [...firstFinal.values()].sort((a, b) => a.partIndex - b.partIndex);
  let decisive: FinalPart | undefined;
  for (const part of parts) {
    if (!decisive || severityOf(part.state) > severityOf(decisive.state)) decisive = part;
  }
  let state: FinalReceiptState = decisive?.state ?? missingState ?? 'unknown';
  if (missingParts > 0 && missingState && severityOf(missingState) > severityOf(state)) {
    state = missingState;
  }
  return {
    complete: true,
    state,
    decisive: decisive ?? {
      partIndex: 0,
      state,
      rawState: '',
      receivedAt: new Date(0),
    },
    finalParts,
    partCount,
    missingParts,
  };
}
