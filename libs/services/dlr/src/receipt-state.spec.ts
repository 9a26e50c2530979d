import { RECEIPT_STATES } from './receipt-state.fixture';
import { normaliseCarrierMessageId, statusForReceipt } from './receipt-state';

describe(statusForReceipt.name, () => {
  it.each(RECEIPT_STATES)('maps %s to %s', (state, status) => {
    expect(statusForReceipt(state)).toBe(status);
  });
});

describe(normaliseCarrierMessageId.name, () => {
  it('ignores case and surrounding blanks, so submit_sm_resp and receipt ids meet', () => {
    expect(normaliseCarrierMessageId(' 0A1B2C ')).toBe(normaliseCarrierMessageId('0a1b2c'));
  });
});
