import { unitInterval, weightedOrder } from './weighted-order';

interface Member {
  readonly id: string;
  readonly weight: number;
}

const order = (key: string, members: readonly Member[]) =>
  weightedOrder(
    key,
    members,
    (member) => member.id,
    (member) => member.weight,
  ).map((member) => member.id);

function firstChoices(members: readonly Member[], count: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const [first] = order(`01KMSG${i.toString(36).padStart(8, '0')}`, members);
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}

describe(weightedOrder.name, () => {
  it('splits 10,000 messages 70/30 within 3%', () => {
    const counts = firstChoices(
      [
        { id: 'telco-a', weight: 70 },
        { id: 'telco-b', weight: 30 },
      ],
      10_000,
    );
    const shareA = (counts.get('telco-a') ?? 0) / 10_000;
    expect(Math.abs(shareA - 0.7)).toBeLessThan(0.03);
    expect((counts.get('telco-a') ?? 0) + (counts.get('telco-b') ?? 0)).toBe(10_000);
  });

  it('splits three ways by weight, and equally with equal weights', () => {
    const weighted = firstChoices(
      [
        { id: 'a', weight: 5 },
        { id: 'b', weight: 3 },
        { id: 'c', weight: 2 },
      ],
      10_000,
    );
    expect(Math.abs((weighted.get('a') ?? 0) / 10_000 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs((weighted.get('b') ?? 0) / 10_000 - 0.3)).toBeLessThan(0.03);
    expect(Math.abs((weighted.get('c') ?? 0) / 10_000 - 0.2)).toBeLessThan(0.03);
    const equal = firstChoices(
      [
        { id: 'x', weight: 1 },
        { id: 'y', weight: 1 },
      ],
      10_000,
    );
    expect(Math.abs((equal.get('x') ?? 0) / 10_000 - 0.5)).toBeLessThan(0.03);
  });

  it('gives the same key the same order every time (a replay picks the same carrier)', () => {
    const members = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    expect(order('msg-1', members)).toEqual(order('msg-1', [...members].reverse()));
  });

  it('moves only the removed member`s messages when a member drops out', () => {
    const all = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    const withoutC = all.filter((member) => member.id !== 'c');
    for (let i = 0; i < 1_000; i++) {
      const [before] = order(`k${i}`, all);
      const [after] = order(`k${i}`, withoutC);
      if (before !== 'c') expect(after).toBe(before);
    }
  });

  it('puts weight-0 members last, as standby', () => {
    expect(
      order('k', [
        { id: 'standby', weight: 0 },
        { id: 'main', weight: 1 },
      ]),
    ).toEqual(['main', 'standby']);
  });

  it('maps strings into the open unit interval', () => {
    for (const value of ['', 'a', 'b', 'x'.repeat(1000)]) {
      const u = unitInterval(value);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });
});
