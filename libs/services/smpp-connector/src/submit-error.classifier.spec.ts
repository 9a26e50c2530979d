import {
  CommandStatus,
  SmppConnectionClosedError,
  SmppInvalidSubmitError,
  SmppNotBoundError,
  SmppResponseTimeoutError,
  type SubmitPartOutcome,
} from '@tuxhat/smpp';

import {
  classifySubmitOutcome,
  commandStatusCode,
  describeCommandStatus,
} from './submit-error.classifier';

const response = (commandStatus: number, messageId?: string): SubmitPartOutcome => ({
  ok: true,
  response: { commandStatus, messageId, sequenceNumber: 7 },
});

describe(classifySubmitOutcome.name, () => {
  it('accepts ESME_ROK with the message id as the carrier gave it (case kept, blanks trimmed)', () => {
    expect(classifySubmitOutcome(response(CommandStatus.ESME_ROK, ' 0A1bC '))).toEqual({
      kind: 'accepted',
      carrierMessageId: '0A1bC',
    });
  });

  it('marks ESME_ROK without a message id as unidentified, not failed', () => {
    expect(classifySubmitOutcome(response(CommandStatus.ESME_ROK, ''))).toMatchObject({
      kind: 'unidentified',
    });
  });

  it.each([
    ['ESME_RTHROTTLED', CommandStatus.ESME_RTHROTTLED],
    ['ESME_RMSGQFUL', CommandStatus.ESME_RMSGQFUL],
  ])('retries %s', (_name, status) => {
    expect(classifySubmitOutcome(response(status))).toMatchObject({ kind: 'transient' });
  });

  it.each([
    [
      CommandStatus.ESME_RINVDSTADR,
      '0x0000000B',
      'carrier rejected submit_sm: ESME_RINVDSTADR (0x0000000B)',
    ],
    [
      CommandStatus.ESME_RSUBMITFAIL,
      '0x00000045',
      'carrier rejected submit_sm: ESME_RSUBMITFAIL (0x00000045)',
    ],
    [0x400, '0x00000400', 'carrier rejected submit_sm: 0x00000400'],
  ])('fails on command_status %i with code %s', (status, errorCode, detail) => {
    expect(classifySubmitOutcome(response(status))).toEqual({
      kind: 'rejected',
      errorCode,
      detail,
    });
  });

  it.each([
    ['not bound', new SmppNotBoundError('reconnecting')],
    ['response timeout', new SmppResponseTimeoutError('submit_sm', 3, 10_000)],
    ['connection closed', new SmppConnectionClosedError('connection-lost', true)],
  ])('retries when the link fails: %s', (_name, error) => {
    expect(classifySubmitOutcome({ ok: false, error })).toMatchObject({ kind: 'transient' });
  });

  it('fails a submit that cannot be encoded (never sent, never will be)', () => {
    expect(
      classifySubmitOutcome({
        ok: false,
        error: new SmppInvalidSubmitError('sourceAddr is longer than 20 characters'),
      }),
    ).toMatchObject({ kind: 'rejected', errorCode: 'SMPP_INVALID_SUBMIT' });
  });
});

describe(commandStatusCode.name, () => {
  it('writes command_status as eight upper-case hex digits', () => {
    expect(commandStatusCode(0x58)).toBe('0x00000058');
    expect(describeCommandStatus(0x58)).toBe('ESME_RTHROTTLED (0x00000058)');
  });
});
