import { RECEIPT_STATES } from './receipt-state.fixture';
import { isFinalReceiptState, severityOf, statusForReceipt } from './receipt-state';

describe(statusForReceipt.name, () => {
  it.each(RECEIPT_STATES)('maps %s to %s', (state, status) => {
    expect(statusForReceipt(state)).toBe(status);
  });
});

describe(severityOf.name, () => {
  it('puts every failure above delivery and a refusal above an inconclusive outcome', () => {
    expect(severityOf('delivered')).toBeLessThan(severityOf('unknown'));
    expect(severityOf('unknown')).toBeLessThan(severityOf('expired'));
    expect(severityOf('expired')).toBeLessThan(severityOf('undeliverable'));
    expect(severityOf('undeliverable')).toBeLessThan(severityOf('rejected'));
  });

  it('knows which states are final', () => {
    expect(isFinalReceiptState('enroute')).toBe(false);
    expect(isFinalReceiptState('accepted')).toBe(false);
    expect(isFinalReceiptState('deleted')).toBe(true);
  });
});
