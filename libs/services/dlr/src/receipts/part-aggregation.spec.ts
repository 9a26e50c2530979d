import { type PartReceipt, aggregateParts } from './part-aggregation';

const at = (second: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, second));
const receipt = (
  partIndex: number,
  state: PartReceipt['state'],
  second: number,
  errorCode?: string,
): PartReceipt => ({
  partIndex,
  state,
  rawState: state.toUpperCase().slice(0, 7),
  errorCode,
  receivedAt: at(second),
});

describe(aggregateParts.name, () => {
  it('is delivered once every part is, and not before', () => {
    expect(aggregateParts(3, [receipt(0, 'delivered', 1), receipt(2, 'delivered', 2)])).toEqual({
      complete: false,
      finalParts: 2,
      partCount: 3,
    });
    const all = aggregateParts(3, [
      receipt(2, 'delivered', 1),
      receipt(0, 'delivered', 2),
      receipt(1, 'delivered', 3),
    ]);
    expect(all).toMatchObject({ complete: true, state: 'delivered', finalParts: 3 });
  });

  it('takes the worst final part when not all are delivered', () => {
    const result = aggregateParts(3, [
      receipt(0, 'delivered', 1),
      receipt(1, 'undeliverable', 2, '001'),
      receipt(2, 'expired', 3),
    ]);
    expect(result).toMatchObject({
      complete: true,
      state: 'undeliverable',
      decisive: { partIndex: 1, errorCode: '001' },
    });
  });

  it('ignores intermediate receipts and a later contradicting final receipt of a part', () => {
    const result = aggregateParts(2, [
      receipt(0, 'enroute', 1),
      receipt(0, 'delivered', 2),
      receipt(0, 'undeliverable', 3),
      receipt(1, 'accepted', 1),
      receipt(1, 'delivered', 4),
    ]);
    expect(result).toMatchObject({ complete: true, state: 'delivered' });
  });

  it('counts parts without a final receipt as the expiry state when one is given', () => {
    expect(aggregateParts(2, [receipt(0, 'delivered', 1)], 'unknown')).toMatchObject({
      complete: true,
      state: 'unknown',
      missingParts: 1,
    });
    expect(aggregateParts(2, [receipt(0, 'rejected', 1)], 'unknown')).toMatchObject({
      complete: true,
      state: 'rejected',
    });
    expect(aggregateParts(1, [], 'expired')).toMatchObject({ complete: true, state: 'expired' });
  });
});
