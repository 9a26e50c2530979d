import { type Candidate, orderCandidates } from './strategies';

const candidate = (
  carrierId: string,
  overrides: Partial<Omit<Candidate, 'carrierId'>> = {},
): Candidate => ({ carrierId, position: 0, weight: 1, priceMinor: undefined, ...overrides });

const ids = (candidates: readonly Candidate[]) => candidates.map((c) => c.carrierId);

function firstChoiceShares(
  strategy: Parameters<typeof orderCandidates>[0],
  candidates: readonly Candidate[],
  count = 10_000,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const [first] = orderCandidates(strategy, candidates, `message-${i}`);
    counts[first.carrierId] = (counts[first.carrierId] ?? 0) + 1 / count;
  }
  return counts;
}

describe(orderCandidates.name, () => {
  it('failover: by position, whatever the weights', () => {
    const ordered = orderCandidates(
      'failover',
      [
        candidate('c', { position: 3 }),
        candidate('a', { position: 1, weight: 1 }),
        candidate('b', { position: 2, weight: 100 }),
      ],
      'k',
    );
    expect(ids(ordered)).toEqual(['a', 'b', 'c']);
  });

  it('weighted: balances by weight within the first tier, then fails over to the next tier', () => {
    const members = [
      candidate('a', { weight: 70 }),
      candidate('b', { weight: 30 }),
      candidate('backup', { position: 1, weight: 100 }),
    ];
    const shares = firstChoiceShares('weighted', members);
    expect(shares.a).toBeCloseTo(0.7, 1);
    expect(shares.b).toBeCloseTo(0.3, 1);
    expect(shares.backup).toBeUndefined();
    for (let i = 0; i < 100; i++) {
      expect(orderCandidates('weighted', members, `k${i}`)[2].carrierId).toBe('backup');
    }
    // With the first tier gone (unhealthy members never reach the strategy), the backup takes all.
    expect(ids(orderCandidates('weighted', [members[2]], 'k'))).toEqual(['backup']);
  });

  it('least_cost: cheapest first, equal prices balanced by weight, unpriced last', () => {
    const members = [
      candidate('unpriced', { position: 0 }),
      candidate('dear', { priceMinor: 9 }),
      candidate('cheap-1', { priceMinor: 3, weight: 1 }),
      candidate('cheap-2', { priceMinor: 3, weight: 1 }),
    ];
    const ordered = orderCandidates('least_cost', members, 'k');
    expect(ids(ordered).slice(2)).toEqual(['dear', 'unpriced']);
    expect(ids(ordered).slice(0, 2).sort()).toEqual(['cheap-1', 'cheap-2']);
    const shares = firstChoiceShares('least_cost', members);
    expect(shares['cheap-1']).toBeCloseTo(0.5, 1);
    expect(shares['cheap-2']).toBeCloseTo(0.5, 1);
  });

  it('direct: the one carrier', () => {
    expect(ids(orderCandidates('direct', [candidate('a')], 'k'))).toEqual(['a']);
  });

  it('orders nothing when nothing is usable', () => {
    expect(orderCandidates('weighted', [], 'k')).toEqual([]);
  });
});
