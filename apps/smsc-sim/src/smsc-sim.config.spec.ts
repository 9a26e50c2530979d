import { SmscSimConfigError, loadSmscSimConfig } from './smsc-sim.config';

function errorOf(env: NodeJS.ProcessEnv): SmscSimConfigError {
  try {
    loadSmscSimConfig(env);
  } catch (error) {
    if (error instanceof SmscSimConfigError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe(loadSmscSimConfig.name, () => {
  it('has documented defaults for an empty environment', () => {
    expect(loadSmscSimConfig({})).toEqual({
      smpp: {
        port: 2775,
        host: '127.0.0.1',
        accounts: [{ systemId: 'smppclient1', password: 'password' }],
        smscSystemId: 'TUXHATSIM',
        deliveryDelayMs: 100,
        responseDelayMs: 0,
        receiptBeforeResponse: false,
        messageIdFormat: 'hex',
        receiptTextIdFormat: 'same',
        receiptTlvs: true,
        receiptCommand: 'deliver_sm',
        errorRate: 0,
        errorStatus: 0x45,
        throttleRate: 0,
        finalState: 'DELIVRD',
        finalStateByPrefix: {},
      },
      controlPort: 2776,
    });
  });

  it('reads every variable', () => {
    const config = loadSmscSimConfig({
      SMSC_SIM_PORT: '2800',
      SMSC_SIM_HOST: '0.0.0.0',
      SMSC_SIM_ACCOUNTS: 'gw1:pw1, gw2:p:w2',
      SMSC_SIM_SYSTEM_ID: 'CARRIER',
      SMSC_SIM_DELIVERY_DELAY_MS: '250',
      SMSC_SIM_RESPONSE_DELAY_MS: '5',
      SMSC_SIM_RECEIPT_BEFORE_RESPONSE: 'true',
      SMSC_SIM_MESSAGE_ID_FORMAT: 'uuid',
      SMSC_SIM_RECEIPT_TEXT_ID_FORMAT: 'decimal',
      SMSC_SIM_RECEIPT_TLVS: 'no',
      SMSC_SIM_RECEIPT_COMMAND: 'data_sm',
      SMSC_SIM_ERROR_RATE: '0.1',
      SMSC_SIM_ERROR_STATUS: '0x14',
      SMSC_SIM_THROTTLE_RATE: '0.05',
      SMSC_SIM_FINAL_STATE: 'undeliv',
      SMSC_SIM_FINAL_STATE_BY_PREFIX: '4477009:EXPIRED,+4478:REJECTD',
      SMSC_SIM_CONTROL_PORT: '0',
    });
    expect(config).toEqual({
      smpp: {
        port: 2800,
        host: '0.0.0.0',
        accounts: [
          { systemId: 'gw1', password: 'pw1' },
          { systemId: 'gw2', password: 'p:w2' },
        ],
        smscSystemId: 'CARRIER',
        deliveryDelayMs: 250,
        responseDelayMs: 5,
        receiptBeforeResponse: true,
        messageIdFormat: 'uuid',
        receiptTextIdFormat: 'decimal',
        receiptTlvs: false,
        receiptCommand: 'data_sm',
        errorRate: 0.1,
        errorStatus: 0x14,
        throttleRate: 0.05,
        finalState: 'UNDELIV',
        finalStateByPrefix: { '4477009': 'EXPIRED', '+4478': 'REJECTD' },
      },
      controlPort: 0,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadSmscSimConfig({ SMSC_SIM_PORT: '', SMSC_SIM_ERROR_RATE: '  ' }).smpp).toMatchObject({
      port: 2775,
      errorRate: 0,
    });
  });

  it.each([
    ['SMSC_SIM_PORT', '70000'],
    ['SMSC_SIM_PORT', 'abc'],
    ['SMSC_SIM_DELIVERY_DELAY_MS', '-1'],
    ['SMSC_SIM_RECEIPT_BEFORE_RESPONSE', 'maybe'],
    ['SMSC_SIM_MESSAGE_ID_FORMAT', 'base64'],
    ['SMSC_SIM_ERROR_RATE', '1.5'],
    ['SMSC_SIM_THROTTLE_RATE', 'lots'],
    ['SMSC_SIM_ERROR_STATUS', '0'],
    ['SMSC_SIM_ERROR_STATUS', 'ESME_RSUBMITFAIL'],
    ['SMSC_SIM_FINAL_STATE', 'GONE'],
    ['SMSC_SIM_FINAL_STATE_BY_PREFIX', '4477:GONE'],
    ['SMSC_SIM_ACCOUNTS', 'nopassword'],
    ['SMSC_SIM_ACCOUNTS', 'averyveryverylongsystemid:pw'],
    ['SMSC_SIM_CONTROL_PORT', '-5'],
  ])('stops on %s=%s with a message naming the variable', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.issues.map((issue) => issue.variable)).toEqual([variable]);
    expect(error.message).toContain(`${variable}:`);
  });

  it('checks that error and throttle rates add up to at most 1', () => {
    expect(
      errorOf({ SMSC_SIM_ERROR_RATE: '0.6', SMSC_SIM_THROTTLE_RATE: '0.6' }).message,
    ).toContain(
      'SMSC_SIM_ERROR_RATE: SMSC_SIM_ERROR_RATE + SMSC_SIM_THROTTLE_RATE must not exceed 1',
    );
  });

  it('reports every bad variable at once', () => {
    expect(
      errorOf({ SMSC_SIM_PORT: 'x', SMSC_SIM_ERROR_RATE: '2' })
        .issues.map((issue) => issue.variable)
        .sort(),
    ).toEqual(['SMSC_SIM_ERROR_RATE', 'SMSC_SIM_PORT']);
  });

  it('never echoes account passwords', () => {
    const error = errorOf({ SMSC_SIM_ACCOUNTS: 'gw:waytoolongpassword' });
    expect(error.message).toContain('SMSC_SIM_ACCOUNTS');
    expect(error.message).not.toContain('waytoolongpassword');
  });

  it('echoes other bad values to help the operator', () => {
    expect(errorOf({ SMSC_SIM_PORT: '70000' }).message).toContain('(got "70000")');
  });
});
