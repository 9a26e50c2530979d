import { copyFrozen, freezeEvent } from './frozen-event';

describe(freezeEvent.name, () => {
  it('freezes deeply and leaves out undefined properties, as JSON does', () => {
    const frozen = freezeEvent({
      a: 'x',
      gone: undefined,
      nested: { list: [{ n: 1 }, undefined], also: undefined },
    });
    expect(frozen).toStrictEqual(
      JSON.parse(JSON.stringify({ a: 'x', nested: { list: [{ n: 1 }, null] } })),
    );
    expect(Object.keys(frozen)).toEqual(['a', 'nested']);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.nested)).toBe(true);
    expect(Object.isFrozen(frozen.nested.list)).toBe(true);
    expect(Object.isFrozen(frozen.nested.list[0])).toBe(true);
  });

  it('passes primitives and null through', () => {
    expect(freezeEvent('x')).toBe('x');
    expect(freezeEvent(null)).toBeNull();
    expect(freezeEvent(3)).toBe(3);
  });
});

describe(copyFrozen.name, () => {
  it('copies deeply into frozen objects shaped like the JSON, leaving the original alone', () => {
    const original = {
      a: 'x',
      gone: undefined,
      at: new Date('2026-11-26T00:00:00.000Z'),
      nested: { list: [{ n: 1 }, undefined], also: undefined },
    };
    const copy = copyFrozen(original);
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(original)));
    expect(Object.keys(copy)).toEqual(['a', 'at', 'nested']);
    expect(Object.isFrozen(copy.nested.list[0])).toBe(true);
    expect(Object.isFrozen(original)).toBe(false);
    expect(Object.isFrozen(original.nested.list)).toBe(false);
    expect(copy.nested).not.toBe(original.nested);
  });

  it("shares parts already frozen (a consumed event's message passed on)", () => {
    const message = freezeEvent({ id: 'm1', tags: ['a'] });
    const copy = copyFrozen({ message, hop: 2 });
    expect(copy.message).toBe(message);
    expect(Object.isFrozen(copy)).toBe(true);
  });
});
