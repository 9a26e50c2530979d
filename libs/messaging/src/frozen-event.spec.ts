import { freezeEvent } from './frozen-event';

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
