import { RecentOutcomes } from './recent-outcomes';

describe(RecentOutcomes.name, () => {
  it('remembers the last `capacity` messages written and forgets those well before', () => {
    const sut = new RecentOutcomes(2);
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) {
      sut.remember(id, { outcome: 'sent', carrierId: 'c', attempt: 1 });
    }
    expect(sut.outcomesOf('m1')).toEqual([]);
    expect(sut.outcomesOf('m2')).toEqual([]);
    expect(sut.outcomesOf('m4')).toHaveLength(1);
    expect(sut.outcomesOf('m5')).toHaveLength(1);
  });

  it("keeps one outcome per carrier, the carrier's latest", () => {
    const sut = new RecentOutcomes(10);
    sut.remember('m1', { outcome: 'rerouted', carrierId: 'a', attempt: 1, mayHaveReached: true });
    sut.remember('m1', { outcome: 'failed', carrierId: 'b', attempt: 2 });
    sut.remember('m1', { outcome: 'sent', carrierId: 'b', attempt: 3 });
    expect(sut.outcomesOf('m1').map((outcome) => [outcome.carrierId, outcome.outcome])).toEqual([
      ['a', 'rerouted'],
      ['b', 'sent'],
    ]);
  });

  it('keeps accepted parts per carrier until the message is settled', () => {
    const sut = new RecentOutcomes(10);
    sut.rememberAcceptedPart('m1', 'c', 0, 'id-0');
    sut.rememberAcceptedPart('m1', 'c', 2, 'id-2');
    expect([...sut.acceptedParts('m1', 'c')]).toEqual([
      [0, 'id-0'],
      [2, 'id-2'],
    ]);
    expect(sut.acceptedParts('m1', 'other').size).toBe(0);
    sut.remember('m1', { outcome: 'sent', carrierId: 'c', attempt: 1 });
    expect(sut.acceptedParts('m1', 'c').size).toBe(0);
  });
});
