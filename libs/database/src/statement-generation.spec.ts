import { StatementGenerations, statementGeneration } from './statement-generation';

describe(statementGeneration.name, () => {
  it('names a new generation each time the work done doubles, and only then', () => {
    const names = Array.from({ length: 4096 }, (_, done) => statementGeneration('s', done));
    expect(new Set(names).size).toBe(13);
    expect(statementGeneration('s', 0)).toBe('s-g0');
    expect(statementGeneration('s', 1)).toBe('s-g1');
    expect(statementGeneration('s', 2)).toBe('s-g1');
    expect(statementGeneration('s', 3)).toBe('s-g2');
    expect(statementGeneration('s', 1_000_000)).toBe('s-g19');
    // A plan made at the start of a generation serves until the work done about doubled.
    for (let done = 1; done < 100_000; done = Math.ceil(done * 1.3)) {
      const name = statementGeneration('s', done);
      expect(statementGeneration('s', 2 * done + 1)).not.toBe(name);
    }
  });
});

describe(StatementGenerations.name, () => {
  it('names each call by the work done before it, counting the units it is about to do', () => {
    const names = new StatementGenerations('s');
    expect(names.next(1)).toBe('s-g0');
    expect(names.next(1)).toBe('s-g1');
    expect(names.next(5)).toBe('s-g1');
    expect(names.next(100)).toBe('s-g3');
    expect(names.next(1)).toBe('s-g6');
  });

  it('keeps the count of each statement apart', () => {
    const a = new StatementGenerations('a');
    const b = new StatementGenerations('b');
    a.next(1_000);
    expect(b.next(1)).toBe('b-g0');
    expect(a.next(1)).toBe('a-g9');
  });
});
