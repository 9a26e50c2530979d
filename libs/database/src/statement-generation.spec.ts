import { statementGeneration } from './statement-generation';

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
