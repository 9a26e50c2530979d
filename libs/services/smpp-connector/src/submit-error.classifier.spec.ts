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
  statusPolicyOf,
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
    ['ESME_RTHROTTLED', CommandStatus.ESME_RTHROTTLED, '0x00000058'],
    ['ESME_RMSGQFUL', CommandStatus.ESME_RMSGQFUL, '0x00000014'],
  ])('backs off on %s (same carrier)', (_name, status, errorCode) => {
    expect(classifySubmitOutcome(response(status))).toMatchObject({ kind: 'throttled', errorCode });
  });

  it.each([
    ['ESME_RSYSERR', CommandStatus.ESME_RSYSERR],
    ['ESME_RSUBMITFAIL', CommandStatus.ESME_RSUBMITFAIL],
    ['ESME_RX_T_APPN', CommandStatus.ESME_RX_T_APPN],
    ['ESME_RINVSRCADR', CommandStatus.ESME_RINVSRCADR],
    ['ESME_RUNKNOWNERR', CommandStatus.ESME_RUNKNOWNERR],
  ])('fails over on %s: another carrier may take it, this one never got it', (_name, status) => {
    expect(classifySubmitOutcome(response(status))).toMatchObject({
      kind: 'failover',
      errorCode: commandStatusCode(status),
      mayHaveReached: false,
    });
  });

  it.each([
    [
      CommandStatus.ESME_RINVDSTADR,
      '0x0000000B',
      'carrier rejected submit_sm: ESME_RINVDSTADR (0x0000000B)',
    ],
    [
      CommandStatus.ESME_RX_P_APPN,
      '0x00000065',
      'carrier rejected submit_sm: ESME_RX_P_APPN (0x00000065)',
    ],
    [0x400, '0x00000400', 'carrier rejected submit_sm: 0x00000400'],
  ])('fails for good on command_status %i with code %s', (status, errorCode, detail) => {
    expect(classifySubmitOutcome(response(status))).toEqual({
      kind: 'rejected',
      errorCode,
      detail,
    });
  });

  it("follows the carrier's own lists over the built-in ones", () => {
    const policy = statusPolicyOf({
      retryableStatuses: [0x400],
      finalStatuses: [CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RMSGQFUL],
    });
    expect(classifySubmitOutcome(response(0x400), policy)).toMatchObject({ kind: 'failover' });
    expect(classifySubmitOutcome(response(CommandStatus.ESME_RSYSERR), policy)).toMatchObject({
      kind: 'rejected',
    });
    expect(classifySubmitOutcome(response(CommandStatus.ESME_RMSGQFUL), policy)).toMatchObject({
      kind: 'rejected',
    });
  });

  it.each([
    ['not bound', new SmppNotBoundError('reconnecting'), false],
    ['closed before sending', new SmppConnectionClosedError('connection-lost', false), false],
    ['response timeout', new SmppResponseTimeoutError('submit_sm', 3, 10_000), true],
    ['closed while waiting', new SmppConnectionClosedError('connection-lost', true), true],
  ])(
    'fails over when the link fails (%s), noting whether the carrier may have it',
    (_name, error, reached) => {
      expect(classifySubmitOutcome({ ok: false, error })).toMatchObject({
        kind: 'failover',
        errorCode: error.code,
        mayHaveReached: reached,
      });
    },
  );

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
