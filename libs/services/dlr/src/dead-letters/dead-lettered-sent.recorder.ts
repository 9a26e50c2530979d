import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SmsStatusEvent } from '@tuxhat/contracts';

import { CorrelationRepository } from '../correlation/correlation.repository';
import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { DeadlinesRepository } from '../expiry/deadlines.repository';
import type { StoredMessage } from './dead-letter-settlement';
import { type DeadLetteredSent, sentStatusOf } from './dead-lettered-sent';

/** What recording a batch's dead-lettered sms.sent events came to. */
export interface RecordedSent {
  /** The `sent` statuses to publish. */
  readonly statuses: SmsStatusEvent[];
  /** Why a message's deadline could not be written, by message id: its dead letter is retried. */
  readonly failures: Map<string, unknown>;
}

/**
 * Records for each open message whose sms.sent the dlr gave up on what a stored sms.sent would
 * have made sure of, in the order that keeps the most of it when the cause is still there:
 *
 * 1. its expiry deadline, unless it has one (DeadlinesRepository.ensure: plain writes on the
 *    message's row and dlr_deadlines), so the expiry ends the message as any other whose
 *    receipt never came (DLR_EXPIRY_STATUS at validity + grace) and the tenant, billing and the
 *    DLR paths hear it as such;
 * 2. its carrier ids, when the payload is a valid sms.sent, so that a receipt can still end it
 *    normally. This is most likely what failed before (recordSent writes ids and deadline in one
 *    statement): a failure here is logged and the deadline stands;
 * 3. `sent` in its history if it had not reached it (the carrier took it; in all-in-one mode
 *    the boot's re-drive also leaves a `sent` message alone instead of sending it again).
 *
 * Every step is idempotent (inserts that leave what is there, a status id derived from the
 * sms.sent), so a copy of the dead letter, or a retry of this one, acts once.
 */
@Injectable()
export class DeadLetteredSentRecorder {
  private readonly logger = new Logger('dead-letter-settler');

  constructor(
    private readonly deadlines: DeadlinesRepository,
    private readonly correlations: CorrelationRepository,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {}

  async record(
    letters: readonly { readonly sent: DeadLetteredSent; readonly stored: StoredMessage }[],
    now: Date,
  ): Promise<RecordedSent> {
    const statuses: SmsStatusEvent[] = [];
    const failures = new Map<string, unknown>();
    // One message at a time: dead letters are rare, and one message's failure stays its own.
    for (const { sent, stored } of letters) {
      try {
        const { messageId, carrierId, routeId, partCount } = sent;
        const deadline = { messageId, tenantId: stored.tenantId, carrierId, routeId, partCount };
        await this.deadlines.ensure(deadline, this.options, now);
      } catch (error) {
        failures.set(sent.messageId, error);
        continue;
      }
      await this.recordCarrierIds(sent);
      const status = sentStatusOf(sent, stored, now);
      if (status) statuses.push(status);
      this.logger.warn(
        `message ${sent.messageId}: its sms.sent was dead-lettered by ${sent.deadLetter.consumerGroup}; the carrier has it, so its receipt or its expiry ends it`,
      );
    }
    return { statuses, failures };
  }

  private async recordCarrierIds(sent: DeadLetteredSent): Promise<void> {
    if (!sent.event) {
      this.logger.warn(
        `message ${sent.messageId}: no carrier ids recorded, its sms.sent does not match the schema`,
      );
      return;
    }
    try {
      await this.correlations.recordCarrierKeys([sent.event]);
    } catch (error) {
      this.logger.warn(
        `message ${sent.messageId}: its carrier ids could not be recorded either, its expiry ends it: ${String(error)}`,
      );
    }
  }
}
